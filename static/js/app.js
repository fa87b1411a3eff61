// sinen-mdt: small progressive enhancements only. The app works without this file.
"use strict";

// After htmx swaps in a new pathway step, move keyboard and screen-reader focus to where the user
// needs it: the first field with an error, otherwise the new step's heading.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "step-form") return;
  const stepForm = document.getElementById("step-form");
  if (!stepForm) return;
  const invalid = stepForm.querySelector(".is-invalid, [aria-invalid='true']");
  const heading = stepForm.querySelector("#step-heading");
  (invalid || heading)?.focus();
});
