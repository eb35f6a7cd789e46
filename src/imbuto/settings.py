"""Settings come from environment variables, so a checkout runs as is on SQLite (Healthchecks style)."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IMBUTO_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _secret_key() -> str:
    if key := os.environ.get("IMBUTO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("IMBUTO_DEBUG")
ALLOWED_HOSTS = env_list("IMBUTO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("IMBUTO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "imbuto.core",
    "imbuto.accounts",
    "imbuto.leads",
    "imbuto.intake",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "imbuto.core.middleware.ApiEdgeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "imbuto.urls"
WSGI_APPLICATION = "imbuto.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "leads:list"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL: sqlite:////abs/path.sqlite3 or postgres://user@host:5432/db
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'imbuto.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    _db = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": str(_db.with_name("test_" + _db.name))}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiles a plan in ~100 ms: a loss for every query Imbuto runs (short lookups, batch probes).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("IMBUTO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if os.environ.get("IMBUTO_TASKS_IMMEDIATE"):
    TASKS["default"]["BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("IMBUTO_CACHE") == "redis":
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": REDIS_URL}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("IMBUTO_TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # project-wide CSS/JS in src/imbuto/static/imbuto/
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# A request body over this is refused with 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("IMBUTO_MAX_BODY_BYTES", 5 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

IMBUTO_DEFAULT_REGION = os.environ.get("IMBUTO_DEFAULT_REGION", "IT")
IMBUTO_DEFAULT_CURRENCY = os.environ.get("IMBUTO_DEFAULT_CURRENCY", "EUR")
# Sites allowed to embed the website chat widget (CORS), comma-separated; "*" = any site (demo).
IMBUTO_CHAT_ALLOWED_ORIGINS = env_list("IMBUTO_CHAT_ALLOWED_ORIGINS", "")
# Behind a reverse proxy, the client address comes from X-Forwarded-For (rate limits per visitor).
IMBUTO_TRUST_X_FORWARDED_FOR = env_bool("IMBUTO_TRUST_X_FORWARDED_FOR")
# Idempotency-Key answers are replayed for this long; `imbuto prune` (cron, hourly) deletes older ones.
IMBUTO_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("IMBUTO_IDEMPOTENCY_TTL_HOURS", 48))
if IMBUTO_IDEMPOTENCY_TTL_HOURS < 1:
    raise ValueError("IMBUTO_IDEMPOTENCY_TTL_HOURS must be at least 1 (hours)")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IMBUTO_LOG_LEVEL", "WARNING").upper()},
}

# ---- email (accounts: password reset) --------------------------------------------------------------
# EMAIL_URL: console:// (default: printed on stdout), smtp://host:25, smtp+tls://user:pass@host:587,
# smtp+ssl://user:pass@host:465 (see imbuto/core/email_url.py); a bad value stops the start-up.
from imbuto.core.email_url import parse_email_url, parse_from_address  # noqa: E402

MAILERS = {"default": parse_email_url(os.environ.get("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = parse_from_address(os.environ.get("IMBUTO_EMAIL_FROM", "Imbuto <imbuto@localhost>"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # a reset link works for three days, and only once
