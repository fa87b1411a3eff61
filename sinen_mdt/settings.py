"""Settings for sinen-mdt, read from environment variables through small strict helpers.

Development is the default (SQLite, a throwaway secret key; DEBUG only when DEBUG=true is set). Set
SINEN_PRODUCTION=true for a deployment: the app then refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS.
Every secret can also be read from a file named by NAME_FILE (Docker/systemd credentials).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import bootstrap  # django-bootstrap-static: Bootstrap's compiled files, served by us, never a CDN
from django.contrib.messages import constants as message_levels
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


# --- environment helpers -------------------------------------------------------------------------


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable NAME, or the content of the file named by NAME_FILE, or DEFAULT."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean variable; only 'true' or 'false' (any case) are accepted.

    A typo such as DEBUG=flase must stop the app, not silently mean True or False.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value not in {"true", "false"}:
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', got {raw!r}")
    return value == "true"


def env_int(name: str, default: int) -> int:
    """Return an integer variable, refusing anything that is not a whole number."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list without empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry (postgres:// or sqlite:///path)."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name a database: postgres://user:pass@host:5432/NAME")
        # psycopg prepares a statement bound on the server once it has run this many times on a connection, so
        # PostgreSQL plans it once instead of at every execution. Django binds its own queries on the client
        # (never prepared); only the follower's poll binds on the server (cases/meetings/follow.py: planning
        # cost the database ten times what running it does). ?prepare_threshold=none turns it off, for a
        # connection pooler that keeps no prepared statements.
        threshold = options.pop("prepare_threshold", "5")
        if threshold.lower() == "none":
            options["prepare_threshold"] = None
        elif threshold.isdigit():
            options["prepare_threshold"] = int(threshold)
        else:
            raise ImproperlyConfigured(
                f"DATABASE_URL's prepare_threshold must be a whole number or none, got {threshold!r}"
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if parts.scheme == "sqlite":
        # sqlite:///relative.sqlite3 or sqlite:////absolute/path.sqlite3 (the usual convention).
        path = unquote(parts.path[1:])
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for SQLite must name a file: sqlite:////absolute/path.sqlite3")
        return sqlite_database(Path(path))
    raise ImproperlyConfigured(f"DATABASE_URL scheme must be postgres, postgresql or sqlite, got {parts.scheme!r}")


def sqlite_database(path: Path) -> dict:
    """Return an SQLite entry tuned for a small multi-user web app (WAL, busy timeout)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Kept open between requests, as PostgreSQL's: opening one runs the three pragmas below, which cost
        # more than most of the requests themselves (bench/follow.py).
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "OPTIONS": {
            # IMMEDIATE transactions avoid "database is locked" on concurrent writes.
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            # recursive_triggers: a REPLACE's implicit delete fires the tables' DELETE triggers too, so
            # `INSERT OR REPLACE` cannot remove a signed decision or a log entry (migrations also refuse
            # such an INSERT for connections without it, e.g. the sqlite3 shell).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA recursive_triggers=ON;",
        },
    }


# --- mode and secrets ----------------------------------------------------------------------------

PRODUCTION = env_bool("SINEN_PRODUCTION", False)
# Off unless asked for: Django's debug pages show tracebacks, settings and SQL to whoever reaches the
# server, and `make run` may run on a shared machine. DEBUG=true is for one's own computer.
DEBUG = False if PRODUCTION else env_bool("DEBUG", False)

# Development only; production refuses any key starting with "django-insecure".
_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SINEN_PRODUCTION=true needs a real SECRET_KEY (or SECRET_KEY_FILE): at least 50 random "
            "characters, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("SINEN_PRODUCTION=true needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=mdt.hospital.local")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- applications --------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # built-in widget templates for the TemplatesSetting form renderer
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The queue of django.tasks in the database (table django_tasks_database_dbtaskresult) and its worker,
    # `manage.py db_worker`: every app server enqueues into it, any worker on any machine runs it.
    "django_tasks_db",
    "cases.jobs",
    "cases.patients",
    "cases.pathways",
    "cases.meetings",
    "cases.reports",
    "cases.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A body larger than any form of the app is refused with 413 before anything reads it.
    "cases.middleware.RequestSizeLimitMiddleware",
    # A follower's poll of an unchanged meeting room answers 304 here, from one statement, before the session
    # and login middleware below; anything else about it goes on down (cases/meetings/follow.py says why).
    "cases.meetings.follow.FollowPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (TOTP).
    "django_otp.middleware.OTPMiddleware",
    # Ends sessions idle for 30 minutes or 12 hours after login (server side, from the login time).
    "cases.middleware.SessionTimeoutMiddleware",
    # Records reads of patient pages and every refused request (401/302 to login, 403) in the access
    # log; CSRF and permission refusals come back through it like any response (cases/audit).
    "cases.audit.middleware.AccessLogMiddleware",
    # Every answer carries Cache-Control: no-store (patient data); static files never get here.
    "cases.middleware.NoStoreMiddleware",
    # Records the signed-in user as the author of every change to clinical content (its history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every page needs login; htmx requests get HX-Redirect instead of a login form in a fragment.
    "cases.middleware.LoginRequiredMiddleware",
    # Administrators (and superusers) pass the second factor before anything else.
    "cases.middleware.SecondFactorMiddleware",
    # Then a user with a temporary password from an administrator chooses their own before anything else.
    "cases.middleware.NewPasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Turns a login refused by the lockout into the login page with its message (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sinen_mdt.urls"
WSGI_APPLICATION = "sinen_mdt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.access.role_context",
                # record_alarm: signed decisions whose PDF has gone, shown to chairs and administrators.
                "cases.reports.integrity.record_alarm",
            ],
            # Template helpers shared by every app, outside any app's templatetags.
            "libraries": {"people": "cases.people", "forms": "cases.forms", "links": "cases.links"},
        },
    },
]

# Messages' tags are Bootstrap's alert classes (alert-danger for errors).
MESSAGE_TAGS = {message_levels.ERROR: "danger"}

# --- database ------------------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL")
DATABASES = {"default": database_from_url(_database_url) if _database_url else sqlite_database(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- health check ----------------------------------------------------------------------------------

# /healthz answers 503 when a directory holding the app's data has less free space than this (cases/health.py).
# By default the SQLite file's directory; with PostgreSQL on the same host, add its data directory.
_sqlite_name = DATABASES["default"]["NAME"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else None
HEALTH_DISK_PATHS = env_list("HEALTH_DISK_PATHS", [str(Path(_sqlite_name).parent)] if _sqlite_name else [])
HEALTH_MIN_FREE_DISK_MB = env_int("HEALTH_MIN_FREE_DISK_MB", 200)

# --- authentication ------------------------------------------------------------------------------

# Argon2id at OWASP's minimum (19 MiB, t=2, p=1; cases/audit/hashers.py says why). Hashes made with other
# parameters or the hashers below are rehashed with it at the next login.
PASSWORD_HASHERS = [
    "cases.audit.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout backend goes first: it refuses a locked-out username + address before the password is checked.
# Then Django's model backend, which also refuses an expired temporary password (cases/audit/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cases.audit.backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Django's database sessions, read by a query compiled once per connection (cases/audit/session_store.py).
SESSION_ENGINE = "cases.audit.session_store"
# A working day of meetings at most; closing the browser ends the session (shared screens).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# The cookie's age is renewed by every request that saves the session, so the 12 hours are also enforced
# from the login time (cases.middleware.SessionTimeoutMiddleware), and so are 30 idle minutes.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
if SESSION_IDLE_TIMEOUT <= 0 or SESSION_COOKIE_AGE <= 0:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT and SESSION_COOKIE_AGE must be positive numbers of seconds")

# Lockout (django-axes): 5 failed logins for the same username from the same address lock that pair out
# for 15 minutes; another failure during the lockout starts the 15 minutes again. A successful login
# resets the count. Axes keeps only the attempts; the access log (cases.audit) records every login.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cases.audit.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # administrators unlock accounts on the Users and sessions page
AXES_VERBOSE = False  # the access log has the details; no usernames in the server log
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Second factor (django-otp, TOTP): required for administrators and superusers, optional for others.
OTP_TOTP_ISSUER = "sinen-mdt"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the <body hx-headers>, not the cookie

# --- internationalisation ------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- static files --------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Only Bootstrap's own folder of the package (it also ships Font Awesome, which we do not use).
    ("bootstrap", Path(bootstrap.__file__).parent / "static" / "bootstrap"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the app folders, so tests and the
# development server need no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Development picks up edited static files without a restart, with DEBUG off too.
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- request size ----------------------------------------------------------------------------------

# The largest form (a decision with ten follow-up actions) is a few kilobytes; only the patient import uploads.
# Bodies over MAX_REQUEST_BODY are refused with 413 by cases.middleware.RequestSizeLimitMiddleware;
# DATA_UPLOAD_MAX_MEMORY_SIZE (400) is the second line for bodies sent without a Content-Length.
MAX_REQUEST_BODY = env_int("MAX_REQUEST_BODY", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
# The one upload: a file of patients to import (docs/fhir.md), at most 10 MB, plus the form around it.
# Held in memory, never spooled to a temporary file: it is patient data.
UPLOAD_URL_NAMES = ["patients:import_upload"]
MAX_UPLOAD_BODY = 10 * 1024 * 1024 + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BODY
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- forms ---------------------------------------------------------------------------------------

# One way of rendering forms: the project's form and field templates (templates/forms/), widget templates
# overridden from templates/ (e.g. the yes / no / unknown radios), Bootstrap classes added in one place.
FORM_RENDERER = "cases.forms.FormRenderer"

# --- security headers ----------------------------------------------------------------------------

# Strict CSP: our own files only, scripts and styles need the per-request nonce, no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# A load balancer probes /healthz over plain HTTP on the app server: answer it, do not redirect it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- background work ------------------------------------------------------------------------------

# Slow work a user waits for (draft PDFs) is a django.tasks task, queued in the database and run by
# `manage.py db_worker` (README, Production); its result is kept in the database (cases.jobs), so any app
# server shows its progress and serves it. Tests run tasks at once in the request (tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Hours a background job and its result (a draft PDF: a copy of patient data) are kept; then
# `manage.py delete_expired_jobs` (and every new job) deletes them.
JOB_RESULT_HOURS = env_int("JOB_RESULT_HOURS", 24)
if JOB_RESULT_HOURS < 1:
    raise ImproperlyConfigured(f"JOB_RESULT_HOURS must be 1 or more, got {JOB_RESULT_HOURS}")

# --- guideline impact previews ------------------------------------------------------------------

# The impact preview of a guideline draft assesses every open case twice (cases/pathways/impact.py) in the
# task worker; it shares the cases out to this many forked processes, one core each (1: in the worker's own
# process). The worker's machine should have as many cores to spare.
GUIDELINE_IMPACT_PROCESSES = env_int("GUIDELINE_IMPACT_PROCESSES", 2)
if not 1 <= GUIDELINE_IMPACT_PROCESSES <= 64:
    raise ImproperlyConfigured(f"GUIDELINE_IMPACT_PROCESSES must be from 1 to 64, got {GUIDELINE_IMPACT_PROCESSES}")
# What the preview calls to check signed decisions against the draft: the meetings app owns decisions and the
# rule of what departs from the guideline. Named here rather than imported: meetings builds on pathways.
GUIDELINE_IMPACT_DECISIONS = "cases.meetings.impact.signed_departures"

# --- implementation tracking (docs/follow-up.md) -------------------------------------------------

# Days after the meeting when a treatment still recorded as planned appears on the coordinators' follow-up
# worklist as overdue. A local working setting, not a clinical threshold: no seed passage sets one. Six
# weeks is the default because most board plans (surgery booked, a scan, a referral) start within that
# time; a board whose usual plans take longer raises it.
TREATMENT_OVERDUE_DAYS = env_int("TREATMENT_OVERDUE_DAYS", 42)
if not 1 <= TREATMENT_OVERDUE_DAYS <= 365:
    raise ImproperlyConfigured(f"TREATMENT_OVERDUE_DAYS must be from 1 to 365, got {TREATMENT_OVERDUE_DAYS}")

# --- FHIR export and patient import (docs/fhir.md) ------------------------------------------------

# The base of the app's own FHIR code systems and extensions (options, verdicts, signatures): a URI this
# installation owns. The default's .invalid domain never resolves, so nothing ever follows it.
FHIR_BASE_URI = (env_str("FHIR_BASE_URI", "https://sinen-mdt.invalid/fhir") or "").rstrip("/")
# The identifier system of the hospital number (the medical record number) in exported and imported
# Patient resources: the hospital's own, e.g. urn:oid:... of its patient administration system.
FHIR_HOSPITAL_NUMBER_SYSTEM = env_str("FHIR_HOSPITAL_NUMBER_SYSTEM", f"{FHIR_BASE_URI}/NamingSystem/hospital-number")
if not FHIR_BASE_URI or not FHIR_HOSPITAL_NUMBER_SYSTEM:
    raise ImproperlyConfigured("FHIR_BASE_URI and FHIR_HOSPITAL_NUMBER_SYSTEM must not be empty")

# --- PDF reports -------------------------------------------------------------------------------

# What the meetings app hands a signed decision to (named here rather than imported there: reports builds on
# meetings, not the other way round): the renderer makes the PAdES-signed PDF before sign_decision's
# transaction, the writer stores it inside, and the verifier checks a signed record (the decision page).
SIGNED_RECORD_RENDERER = "cases.reports.summary.render_signed_summary"
SIGNED_RECORD_WRITER = "cases.reports.summary.store_signed_summary"
SIGNED_RECORD_VERIFIER = "cases.reports.integrity.check_decision"
# The decision page's letters panel (the meetings app may not import the reports app).
DECISION_LETTERS_PANEL = "cases.reports.views.letters_panel"

# --- record integrity ----------------------------------------------------------------------------

# The installation's signing key: a PEM file with an RSA-3072 private key, then its certificate (and the
# chain up to the hospital's root). It signs decisions, their PDFs (PAdES) and the access log (cases/integrity.py).
# Development creates a self-signed one here on first use (ignored by git); production must name one.
SIGNING_KEY_FILE = Path(os.environ.get("SIGNING_KEY_FILE") or BASE_DIR / "var" / "development-signing-key.pem")
# Certificates of earlier keys (PEM files, comma-separated), so records signed before a key change still verify.
SIGNING_PREVIOUS_CERTIFICATES = env_list("SIGNING_PREVIOUS_CERTIFICATES", [])
if PRODUCTION:
    if not os.environ.get("SIGNING_KEY_FILE"):
        raise ImproperlyConfigured(
            "SINEN_PRODUCTION=true needs SIGNING_KEY_FILE: the path of a PEM file with the hospital's RSA-3072 "
            "signing key followed by its certificate (and chain). It signs every decision, its PDF and the access "
            "log; see README, Production."
        )
    from cases.integrity import SigningKeyError, load_identity_file

    try:
        load_identity_file(SIGNING_KEY_FILE)
    except SigningKeyError as exc:
        raise ImproperlyConfigured(f"SIGNING_KEY_FILE is not usable: {exc}") from None

# --- logging -------------------------------------------------------------------------------------

# Requests are logged by path only (patient identifiers never appear in URLs: public_id UUIDs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
