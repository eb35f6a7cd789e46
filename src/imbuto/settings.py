"""Settings come from environment variables, read strictly (core.env: a value that cannot be read
stops start-up), so a checkout runs as is on SQLite (Healthchecks style). docs/deployment.md lists
them all."""

import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_noop

from imbuto.core.env import env_bool, env_float, env_int, env_limits, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("IMBUTO_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := env_str("IMBUTO_SECRET_KEY", ""):
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
    "axes",
    "imbuto.core",
    "imbuto.workers",
    "imbuto.users",
    "imbuto.leads",
    "imbuto.intake",
    "imbuto.notifications",
    "imbuto.scoring",
    "imbuto.prediction",
    "imbuto.routing",
    "imbuto.sla",
    "imbuto.deals",
    "imbuto.activities",
    "imbuto.customers",
    "imbuto.nurture",
    "imbuto.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "imbuto.core.middleware_security.SecureCookiesMiddleware",
    "imbuto.core.net.ClientAddressMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "imbuto.users.throttle.LoginThrottleBackend",  # axes: refuses while locked out; first
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "imbuto.urls"
WSGI_APPLICATION = "imbuto.wsgi.application"
AUTH_USER_MODEL = "users.User"
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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# DATABASE_URL: sqlite:////abs/path.sqlite3 or postgres://user@host:5432/db
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'imbuto.sqlite3'}")
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

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

# Background tasks (docs/deployment.md, "Background work"): the database (django-tasks-db, embedded,
# the default) or Redis through RQ (django-tasks-rq, for workers on several machines), run by
# `imbuto worker` (and `imbuto serve`). The periodic jobs are enqueued by `imbuto scheduler`
# (django-crontask), locked in Redis with RQ and by a database lease otherwise.
TASKS_BACKEND = env_str("IMBUTO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND.startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    CRONTASK = {"REDIS_URL": REDIS_URL}
if env_bool("IMBUTO_TASKS_IMMEDIATE"):
    TASKS["default"] = {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("IMBUTO_CACHE", "locmem", choices=("locmem", "redis")) == "redis":
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": REDIS_URL}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The instance's language: for whoever has not chosen one (nor sends Accept-Language), and the demo's.
LANGUAGE_CODE = env_str("IMBUTO_LANGUAGE", "en", choices=("en", "it"))
# Names in English, translated by Django's own catalogue (the switcher shows each in its own language).
LANGUAGES = [("en", gettext_noop("English")), ("it", gettext_noop("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("IMBUTO_TIME_ZONE", "Europe/Rome")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"Environment variable IMBUTO_TIME_ZONE={TIME_ZONE!r} is not a time zone "
                               "name such as Europe/Rome.")
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
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("IMBUTO_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Cookies get `Secure` on every request that arrived over HTTPS (core.middleware_security), so the
# same install works on http://127.0.0.1 and behind a TLS proxy. HSTS is sent over HTTPS only.
SECURE_HSTS_SECONDS = env_int("IMBUTO_HSTS_SECONDS", 31536000, minimum=0)
SECURE_REFERRER_POLICY = "same-origin"
# A strict Content-Security-Policy for every page: scripts and styles from Imbuto itself or carrying
# the request's nonce, nothing inline, no eval, no framing. Public form pages set their own
# (embeddable) policy; see docs/security.md.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling (django-axes, counted in the database so every worker shares it): this many
# failures for one username, or from one address, lock further attempts for the cool-off time.
IMBUTO_LOGIN_FAILURE_LIMIT = env_int("IMBUTO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
IMBUTO_LOGIN_LOCKOUT_MINUTES = env_int("IMBUTO_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = IMBUTO_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=IMBUTO_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "imbuto.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "imbuto.users.throttle.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are enough; no log of every successful log-in
AXES_ENABLE_ADMIN = False

IMBUTO_DEFAULT_REGION = env_str("IMBUTO_DEFAULT_REGION", "IT").upper()
IMBUTO_DEFAULT_CURRENCY = env_str("IMBUTO_DEFAULT_CURRENCY", "EUR").upper()
# Sites allowed to embed the website chat widget (CORS), comma-separated; "*" = any site (demo).
IMBUTO_CHAT_ALLOWED_ORIGINS = env_list("IMBUTO_CHAT_ALLOWED_ORIGINS", "")
# How many reverse proxies stand in front of Imbuto, each appending to X-Forwarded-For: the client
# address is the one the outermost of them saw (core.net.client_ip), for every rate limit, login
# throttle and audit record. 0 = no proxy: REMOTE_ADDR.
IMBUTO_TRUSTED_PROXIES = env_int("IMBUTO_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
if "IMBUTO_TRUST_X_FORWARDED_FOR" in os.environ:
    raise ImproperlyConfigured("IMBUTO_TRUST_X_FORWARDED_FOR was replaced by IMBUTO_TRUSTED_PROXIES "
                               "(the number of reverse proxies in front of Imbuto, usually 1).")
# The cache that holds rate-limit counters. Only a shared one (IMBUTO_CACHE=redis) counts across
# gunicorn workers; `imbuto serve` says so when it is not.
IMBUTO_RATE_LIMIT_CACHE = env_str("IMBUTO_RATE_LIMIT_CACHE", "default")
if IMBUTO_RATE_LIMIT_CACHE not in CACHES:
    raise ImproperlyConfigured(f"Environment variable IMBUTO_RATE_LIMIT_CACHE={IMBUTO_RATE_LIMIT_CACHE!r} "
                               f"names no cache: expected one of {', '.join(CACHES)}.")
# Website chat limits, (requests, window seconds) per scope; IMBUTO_CHAT_RATE_LIMITS overrides
# some, e.g. "message_per_session=30/60,poll_per_ip=0/60" (0 = no limit).
IMBUTO_CHAT_RATE_LIMITS = env_limits("IMBUTO_CHAT_RATE_LIMITS", {
    "start_per_ip": (20, 3600),
    "message_per_session": (20, 60),
    "message_per_ip": (60, 60),
    "poll_per_ip": (600, 60),
})
# Duplicate thresholds (docs/matching.md); None keeps the matcher's own (0.9 and 0.5).
IMBUTO_MATCH_AUTO_MERGE = env_float("IMBUTO_MATCH_AUTO_MERGE", None)
IMBUTO_MATCH_REVIEW = env_float("IMBUTO_MATCH_REVIEW", None)
if (IMBUTO_MATCH_AUTO_MERGE if IMBUTO_MATCH_AUTO_MERGE is not None else 0.9) < (
        IMBUTO_MATCH_REVIEW if IMBUTO_MATCH_REVIEW is not None else 0.5):
    raise ImproperlyConfigured("IMBUTO_MATCH_REVIEW must not be above IMBUTO_MATCH_AUTO_MERGE.")
# Idempotency-Key answers are replayed for this long; `imbuto prune` (cron, hourly) deletes older ones.
IMBUTO_IDEMPOTENCY_TTL_HOURS = env_int("IMBUTO_IDEMPOTENCY_TTL_HOURS", 48, minimum=1)
# Customers (docs/customers.md): a feedback score (0-10) at or above this gives the owner a task to ask
# for referrals, due this many days later.
IMBUTO_REFERRAL_ASK_SCORE = env_int("IMBUTO_REFERRAL_ASK_SCORE", 9, minimum=0, maximum=10)
IMBUTO_REFERRAL_ASK_DAYS = env_int("IMBUTO_REFERRAL_ASK_DAYS", 3, minimum=0, maximum=365)

LOG_LEVEL = env_str("IMBUTO_LOG_LEVEL", "warning", choices=("debug", "info", "warning", "error", "critical"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL.upper()},
}

# ---- email (users: password reset) --------------------------------------------------------------
# EMAIL_URL: console:// (default: printed on stdout), smtp://host:25, smtp+tls://user:pass@host:587,
# smtp+ssl://user:pass@host:465 (see imbuto/core/email_url.py); a bad value stops the start-up.
from imbuto.core.email_url import parse_email_url, parse_from_address  # noqa: E402

MAILERS = {"default": parse_email_url(os.environ.get("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = parse_from_address(os.environ.get("IMBUTO_EMAIL_FROM", "Imbuto <imbuto@localhost>"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # a reset link works for three days, and only once
# Where people open Imbuto: the links in mail sent by tasks (notifications), where no request says it.
IMBUTO_BASE_URL = env_str("IMBUTO_BASE_URL", "http://127.0.0.1:8000")
if not IMBUTO_BASE_URL.startswith(("http://", "https://")) or " " in IMBUTO_BASE_URL:
    raise ImproperlyConfigured(f"Environment variable IMBUTO_BASE_URL={IMBUTO_BASE_URL!r} is not an "
                               "address such as https://imbuto.example.com.")

# ---- nurturing (docs/nurture.md) ---------------------------------------------------------------------
# At most this many sequence emails per recipient domain within the window (0: no limit).
IMBUTO_NURTURE_DOMAIN_LIMIT = env_int("IMBUTO_NURTURE_DOMAIN_LIMIT", 50, minimum=0)
IMBUTO_NURTURE_DOMAIN_WINDOW = env_int("IMBUTO_NURTURE_DOMAIN_WINDOW", 3600, minimum=1)
# Tries of a sequence email before it is marked failed and its lead's owner told (backoff doubles).
IMBUTO_NURTURE_MAX_ATTEMPTS = env_int("IMBUTO_NURTURE_MAX_ATTEMPTS", 5, minimum=1)
