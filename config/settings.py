"""Lien settings: one file, driven by environment variables (all documented in the README)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


LIEN_ENV = env("LIEN_ENV", "development")
PRODUCTION = LIEN_ENV == "production"
DEMO_MODE = envbool("LIEN_DEMO", False) and not PRODUCTION
DEBUG = envbool("LIEN_DEBUG", not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env("LIEN_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("LIEN_SECRET_KEY must hold at least 50 characters.")
    ALLOWED_HOSTS = envlist("LIEN_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("LIEN_ALLOWED_HOSTS must name the hosts Lien is served on.")
else:
    SECRET_KEY = env("LIEN_SECRET_KEY", "development-only-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = envlist("LIEN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "lien.core",
    "lien.accounts",
    "lien.access",
    "lien.audit",
    "lien.customfields",
    "lien.people",
    "lien.partners",
    "lien.casework",
    "lien.outreach",
    "lien.projects",
    "lien.teamwork",
    "lien.web",
    "lien.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lien.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lien.accounts.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "lien.accounts.middleware.RequireMFAMiddleware",
    "lien.access.middleware.AccessPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lien" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lien.web.context_processors.navigation",
            ],
        },
    },
]
# Form widgets are written by Jinja2 (Django's own widget templates, autoescaped): the template
# engine rendered each option, input and label through two templates, most of the encounter
# form's time on a phone (69 → 27 ms at bench scale 1).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
VAR_DIR = BASE_DIR / "var"  # local, untracked: the SQLite database and the development keys
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'lien.sqlite3'}"
if DATABASE_URL.startswith("sqlite:///") and not PRODUCTION:
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("LIEN_DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": env("LIEN_TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: rate limits and lockout live here, so it must be shared by every worker.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lien_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LIEN_PASSWORD_MIN_LENGTH = envint("LIEN_PASSWORD_MIN_LENGTH", 12)
LIEN_PASSWORD_MAX_LENGTH = 128
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": LIEN_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "lien.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email login, no self sign-up, MFA.
ACCOUNT_ADAPTER = "lien.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
# A reset code typed into the page, not a link: URLs never carry a user's integer key.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
LIEN_LOGIN_FAILURES = envint("LIEN_LOGIN_FAILURES", 5)
LIEN_LOCKOUT_MINUTES = envint("LIEN_LOCKOUT_MINUTES", 15)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": f"20/m/ip,{LIEN_LOGIN_FAILURES}/{LIEN_LOCKOUT_MINUTES}m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lien"
MFA_RECOVERY_CODE_COUNT = 10
# Sessions are recorded at login (to end them all on deactivation), not touched on each request.
USERSESSIONS_TRACK_ACTIVITY = False
LIEN_REQUIRE_MFA = envbool("LIEN_REQUIRE_MFA", not DEMO_MODE)

# Sessions: stored in the database so that deactivation can end them at once.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LIEN_SESSION_IDLE = timedelta(minutes=envint("LIEN_SESSION_IDLE_MINUTES", 30))
LIEN_SESSION_ABSOLUTE = timedelta(hours=envint("LIEN_SESSION_ABSOLUTE_HOURS", 10))
SESSION_COOKIE_AGE = int(LIEN_SESSION_ABSOLUTE.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lien.web.views.csrf_failure"

# Upload and form limits: a huge post gets a clear 400 page, never a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("LIEN_MAX_FORM_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Documents attached to a person's file: larger files are refused with a message. The file part
# of an upload does not count towards the form limit above.
LIEN_MAX_UPLOAD_BYTES = envint("LIEN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Partner imports (CSV or XLSX): largest file and most data rows read from one upload.
LIEN_PARTNER_IMPORT_MAX_BYTES = envint("LIEN_PARTNER_IMPORT_MAX_BYTES", 2_097_152)
LIEN_PARTNER_IMPORT_MAX_ROWS = envint("LIEN_PARTNER_IMPORT_MAX_ROWS", 5000)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("LIEN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("LIEN_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = envlist("LIEN_CSRF_TRUSTED_ORIGINS")
ALLAUTH_TRUSTED_PROXY_COUNT = envint("LIEN_TRUSTED_PROXY_COUNT", 0)

# Internationalisation: French first, Dutch and English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

DEFAULT_FROM_EMAIL = env("LIEN_FROM_EMAIL", "lien@localhost")
if PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": env("LIEN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
            "OPTIONS": {
                "host": env("LIEN_EMAIL_HOST", "localhost"),
                "port": envint("LIEN_EMAIL_PORT", 587),
                "username": env("LIEN_EMAIL_USER"),
                "password": env("LIEN_EMAIL_PASSWORD"),
                "use_tls": envbool("LIEN_EMAIL_TLS", True),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": env("LIEN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        }
    }

# Encryption at rest: Fernet keys (newest first) and a separate key for blind indexes.
LIEN_KEYS_FILE = env("LIEN_KEYS_FILE", str(VAR_DIR / "keys.json"))
LIEN_ENCRYPTION_KEYS = envlist("LIEN_ENCRYPTION_KEYS")
LIEN_BLIND_INDEX_KEY = env("LIEN_BLIND_INDEX_KEY")

# A team keeps seeing a person's file this long after its follow-up ended.
LIEN_VISIBILITY_AFTER_FOLLOW_UP = timedelta(days=envint("LIEN_VISIBILITY_AFTER_FOLLOW_UP_DAYS", 90))
# Today lists the people one's teams follow who have had no journal entry for this long.
LIEN_NOT_SEEN_DAYS = envint("LIEN_NOT_SEEN_DAYS", 30)
# A referral still unanswered this long after it was made comes back on its author's Today.
LIEN_REFERRAL_REMINDER_DAYS = envint("LIEN_REFERRAL_REMINDER_DAYS", 14)
# Today lists identity documents that expire within this many days.
LIEN_DOCUMENT_EXPIRY_DAYS = envint("LIEN_DOCUMENT_EXPIRY_DAYS", 90)

# CPAS legal deadlines (loi du 8 juillet 1976 / DOMAIN.md §2): configuration, not constants.
LIEN_CPAS_RULES = {
    "decision_days": envint("LIEN_CPAS_DECISION_DAYS", 30),
    "notification_days": envint("LIEN_CPAS_NOTIFICATION_DAYS", 8),
    "appeal_months": envint("LIEN_CPAS_APPEAL_MONTHS", 3),
}

# Street work (DOMAIN.md §7): the age bands anonymous people are counted in (code, label; the
# codes are stored, so add bands rather than renaming them), those shown first on the phone
# form, and the count per encounter above which the worker must confirm it.
LIEN_OUTREACH_AGE_BANDS = [
    ("lt15", "<15"),
    ("15-17", "15–17"),
    ("18-21", "18–21"),
    ("22-25", "22–25"),
    ("gt25", ">25"),
]
LIEN_OUTREACH_COMMON_AGE_BANDS = ["15-17", "18-21", "22-25"]
LIEN_OUTREACH_MAX_COUNT = envint("LIEN_OUTREACH_MAX_COUNT", 50)
# The street-work map's tile server (a URL template such as
# https://tile.example.org/{z}/{x}/{y}.png) and the attribution its licence asks for. Empty: no
# map tiles, the page lists the places with their counts; the map page's CSP then allows no
# other image host.
LIEN_MAP_TILE_URL = env("LIEN_MAP_TILE_URL", "")
LIEN_MAP_ATTRIBUTION = env("LIEN_MAP_ATTRIBUTION", "")

LIEN_BENCH_DATABASE_URL = env("LIEN_BENCH_DATABASE_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secret_paths": {"()": "lien.core.logging.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secret_paths"]}},
    "root": {"handlers": ["console"], "level": env("LIEN_LOG_LEVEL", "WARNING")},
    # At the source too, so that any handler added later (a log shipper) never sees a token.
    "loggers": {"django.request": {"filters": ["redact_secret_paths"]}},
}
