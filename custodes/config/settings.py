"""Custodes settings: one module, driven entirely by the environment.

Two modes, chosen by ``CUSTODES_ENV``:

* ``local`` (the default): one machine, loopback only. Keys that are not given in the environment are read
  from (and on first use generated into) ``./var/``, so ``make demo`` and every ``custodes`` command work on a
  fresh checkout. Cookies are not marked Secure because the demo is served over plain HTTP on 127.0.0.1.
* ``production``: every secret must come from the environment; the process refuses to start otherwise. HTTPS
  is assumed (HSTS, Secure cookies, redirect), and ``CUSTODES_ALLOWED_HOSTS`` is required.

See docs/decisions/0002-environment-modes.md for why the default is ``local``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from custodes.config import env
from custodes.config.keyfiles import read_or_create_key

BASE_DIR = Path(__file__).resolve().parent.parent  # the custodes package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CUSTODES_VAR_DIR", PROJECT_DIR / "var")).resolve()

CUSTODES_ENV = env.choice("CUSTODES_ENV", ("local", "production"), default="local")
PRODUCTION = CUSTODES_ENV == "production"
DEBUG = env.boolean("CUSTODES_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("CUSTODES_DEBUG must be off when CUSTODES_ENV=production.")


def _secret(name: str, *, generator: str) -> str:
    """A secret from the environment; in local mode, from (or newly into) ./var/ when the variable is unset."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in the environment when CUSTODES_ENV=production.")
    return read_or_create_key(VAR_DIR, name, generator=generator)


SECRET_KEY = _secret("CUSTODES_SECRET_KEY", generator="django-secret")
# Master keys for envelope encryption: comma-separated "id:base64key", the first is current (DESIGN.md §3).
DATA_KEYS = _secret("CUSTODES_DATA_KEYS", generator="data-keys")
# The audit chain's HMAC key. Never stored in the database: see custodes/audit/chain.py.
AUDIT_KEY = _secret("CUSTODES_AUDIT_KEY", generator="audit-key")
# The key for keyed look-ups: receipts, and the tag that lets staff list their own reports (reporting/keys.py).
LOOKUP_KEY = _secret("CUSTODES_LOOKUP_KEY", generator="audit-key")
# The Ed25519 key (64 hex digits) that signs evidence bundles (custodes/cases/bundle). Optional in production, so
# that the service starts without it: exports are refused, and `custodes check` warns, until it is set.
BUNDLE_SIGNING_KEY = (
    os.environ.get("CUSTODES_BUNDLE_SIGNING_KEY", "").strip()
    if PRODUCTION
    else _secret("CUSTODES_BUNDLE_SIGNING_KEY", generator="signing-key")
)

_LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env.csv("CUSTODES_ALLOWED_HOSTS", default=[] if PRODUCTION else _LOOPBACK_HOSTS)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("CUSTODES_ALLOWED_HOSTS must name the service's host names in production.")
CSRF_TRUSTED_ORIGINS = env.csv("CUSTODES_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    "custodes.core",
    "custodes.audit",
    "custodes.estate",
    "custodes.accounts",
    "custodes.web",
    "custodes.reporting",
    "custodes.cases",
    "custodes.notifications",
    "custodes.demo",
    "custodes.api",
]

MIDDLEWARE = [
    "custodes.core.middleware.RequestIdMiddleware",
    # Uploads are kept in memory, never in a plaintext temporary file (custodes/core/uploads.py).
    "custodes.core.uploads.UploadsInMemoryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "custodes.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /report pages: language per request from ?lang=, no cookies in or out (custodes/reporting/public/language.py).
    "custodes.reporting.public.language.PublicPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "custodes.accounts.middleware.SessionLimitsMiddleware",
    "custodes.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "custodes.core.middleware.AccessLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "custodes.config.urls"
WSGI_APPLICATION = "custodes.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "custodes.web.context_processors.service",
            ],
        },
    }
]

# --- Database ------------------------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'custodes.sqlite3'}"
DATABASE_URL = os.environ.get("CUSTODES_DATABASE_URL", "").strip() or _default_sqlite
try:
    _db: dict[str, Any] = dict(
        dj_database_url.parse(DATABASE_URL, conn_max_age=env.integer("CUSTODES_DB_CONN_MAX_AGE", default=60))
    )
except ValueError as exc:  # an unknown scheme: say which variable is wrong, not just the parser's words
    raise ImproperlyConfigured(f"CUSTODES_DATABASE_URL is not a usable database URL: {exc}") from exc

if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so that two
        # writers queue on busy_timeout instead of failing with "database is locked" half-way through.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].setdefault("application_name", "custodes")
    # JIT off for Custodes' own sessions: its queries are short, and at national scale PostgreSQL judged several
    # of them costly enough to compile, which took 20-60 ms each for nothing (benchmarks/results/scale-first-run.md). A
    # deployment can still choose: ?options=-c%20jit%3Don in CUSTODES_DATABASE_URL is kept as given.
    _db["OPTIONS"].setdefault("options", "-c jit=off")
    _db["TEST"] = {"NAME": os.environ.get("CUSTODES_TEST_DATABASE_NAME") or f"test_{_db['NAME']}"}
else:
    raise ImproperlyConfigured("CUSTODES_DATABASE_URL must be sqlite:/// or postgres://.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Not full_name: the validator compares the whole value too, and a long name shares enough letters
        # with a long passphrase to refuse good ones.
        "OPTIONS": {"user_attributes": ("username", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Idle timeout: the cookie's age is renewed on every request, so a session ends after this much inactivity.
SESSION_COOKIE_AGE = env.integer("CUSTODES_SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And however active, a session ends after this long (a working shift).
CUSTODES_SESSION_MAX_SECONDS = env.integer("CUSTODES_SESSION_MAX_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_NAME = "custodes_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "custodes_csrf"
CSRF_FAILURE_VIEW = "custodes.web.views.csrf_failure"

OTP_TOTP_ISSUER = env.string("CUSTODES_SERVICE_NAME", default="Custodes")
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout by account, never by address: sign-in pages must not become a store of where people connect from.
AXES_FAILURE_LIMIT = env.integer("CUSTODES_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.integer("CUSTODES_SIGNIN_LOCKOUT_MINUTES", default=30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_CLIENT_IP_CALLABLE = "custodes.accounts.lockout.no_client_ip"
AXES_LOCKOUT_CALLABLE = "custodes.accounts.lockout.locked_out_response"
AXES_USERNAME_FORM_FIELD = "username"
# Axes keeps the attempted username; store a keyed hash instead, since people type passwords into that box.
AXES_USERNAME_CALLABLE = "custodes.accounts.lockout.lockout_key"
AXES_VERBOSE = False
# axes.W006 suggests locking by address too; this service deliberately never keeps addresses (see above).
# models.W040: SQLite cannot add INCLUDE columns to an index; the covering indexes are for PostgreSQL (the
# production database), and SQLite builds them without the extra column, which only costs it speed.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]

# --- Security headers ----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": Chromium then sends "Origin: null" on form posts and CSRF protection rightly refuses them.
# "same-origin" still sends nothing to any other site (decision 0006).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "manifest-src": ["'self'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.boolean("CUSTODES_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.integer("CUSTODES_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_NAME = "__Host-custodes_session"
    CSRF_COOKIE_NAME = "__Host-custodes_csrf"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# --- Language, time ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CUSTODES_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "files"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
# Locally, serve straight from the apps' static folders too, so a fresh build shows without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Branding: GDS Transport and the crown are for services on GOV.UK only (DESIGN.md §5), so they are opt-in.
CUSTODES_GOVUK_BRANDING = env.boolean("CUSTODES_GOVUK_BRANDING", default=False)
CUSTODES_SERVICE_NAME = OTP_TOTP_ISSUER
CUSTODES_PHASE = env.string("CUSTODES_PHASE", default="beta")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Reporting ----------------------------------------------------------------------------------------------
CUSTODES_UPLOAD_MAX_MB = env.integer("CUSTODES_UPLOAD_MAX_MB", default=50)
CUSTODES_UPLOAD_MAX_FILES = env.integer("CUSTODES_UPLOAD_MAX_FILES", default=5)
# Requests may carry every file of a report at once; Django must not refuse them before our own checks can say
# which file is too large.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Stored files are ciphertext, but still nobody else's business on the host.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
CUSTODES_ACKNOWLEDGE_WITHIN_DAYS = env.integer("CUSTODES_ACKNOWLEDGE_WITHIN_DAYS", default=7)
CUSTODES_FEEDBACK_WITHIN_MONTHS = env.integer("CUSTODES_FEEDBACK_WITHIN_MONTHS", default=3)
# Failed receipt look-ups allowed per minute across the whole service (no addresses are kept to count by).
CUSTODES_RECEIPT_GUESS_LIMIT = env.integer("CUSTODES_RECEIPT_GUESS_LIMIT", default=60)
# The public journey keeps its answers in the page, sealed, for this long after the last page (web)...
CUSTODES_PUBLIC_JOURNEY_MINUTES = env.integer("CUSTODES_PUBLIC_JOURNEY_MINUTES", default=120)
# ...and a wing kiosk wipes itself back to the start after this long without a touch.
CUSTODES_KIOSK_IDLE_SECONDS = env.integer("CUSTODES_KIOSK_IDLE_SECONDS", default=120)

# --- Cases ----------------------------------------------------------------------------------------------------
# Need-to-know: nobody sees a case (or report) about someone in their line-management chain (DESIGN.md §3).
CUSTODES_LINE_MANAGEMENT_RULE = env.boolean("CUSTODES_LINE_MANAGEMENT_RULE", default=True)
# Largest digital evidence file taken into a case (kept whole, as received, for the chain of custody).
CUSTODES_EVIDENCE_MAX_MB = env.integer("CUSTODES_EVIDENCE_MAX_MB", default=100)

# --- Email (notifications: no case content, ever; custodes/notifications/email.py) ------------------------------
# console: printed by the process that sends it (the task worker), for the demo and development; smtp: a relay;
# off: in-app notifications only. Production sends by SMTP once CUSTODES_EMAIL_HOST is set, and none before.
CUSTODES_EMAIL_HOST = env.string("CUSTODES_EMAIL_HOST", default="")
_default_email_backend = ("smtp" if CUSTODES_EMAIL_HOST else "off") if PRODUCTION else "console"
CUSTODES_EMAIL_BACKEND = env.choice(
    "CUSTODES_EMAIL_BACKEND", ("console", "smtp", "off"), default=_default_email_backend
)
if CUSTODES_EMAIL_BACKEND == "smtp" and not CUSTODES_EMAIL_HOST:
    raise ImproperlyConfigured("CUSTODES_EMAIL_BACKEND=smtp needs CUSTODES_EMAIL_HOST.")
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "off": "django.core.mail.backends.dummy.EmailBackend",
}[CUSTODES_EMAIL_BACKEND]
EMAIL_HOST = CUSTODES_EMAIL_HOST or "localhost"
EMAIL_PORT = env.integer("CUSTODES_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.string("CUSTODES_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = os.environ.get("CUSTODES_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("CUSTODES_EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env.boolean("CUSTODES_EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set one of CUSTODES_EMAIL_USE_TLS and CUSTODES_EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env.integer("CUSTODES_EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env.string("CUSTODES_EMAIL_FROM", default="custodes@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address in emails' links (they link to the notifications page only, never to a case or report).
CUSTODES_BASE_URL = env.string(
    "CUSTODES_BASE_URL",
    default=f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else f"http://127.0.0.1:{os.environ.get('PORT', '8000')}",
).rstrip("/")

# --- Access flags (custodes/cases/tracing/flags.py) ------------------------------------------------------------
# An account reading more than this many cases or reports outside its assignments in the window is flagged.
CUSTODES_ACCESS_FLAG_THRESHOLD = env.integer("CUSTODES_ACCESS_FLAG_THRESHOLD", default=5)
CUSTODES_ACCESS_FLAG_WINDOW_DAYS = env.integer("CUSTODES_ACCESS_FLAG_WINDOW_DAYS", default=7)

# --- Background tasks ----------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Logging: JSON lines on stdout, request ids, no personal data (custodes/core/logging.py) ------------------
LOGGING_CONFIG = None
CUSTODES_LOG_LEVEL = env.string("CUSTODES_LOG_LEVEL", default="INFO")
from custodes.core.logging import configure_logging  # noqa: E402  (needs the level above)

configure_logging(level=CUSTODES_LOG_LEVEL)

# --- API -----------------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
