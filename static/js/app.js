// sinen-mdt: small progressive enhancements only. The app works without this file.
"use strict";
