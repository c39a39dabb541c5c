"""Deployment settings: everything comes from the environment, with embedded defaults.

Business rules (categories, SLA targets, calendars, labels) are data in the database,
never settings.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# Where the embedded default keeps its SQLite file, uploads and the generated secret key.
DATA_DIR = Path(os.environ.get("TANJAI_DATA_DIR", BASE_DIR.parent / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in DATA_DIR.

    The embedded default must work with no configuration, but must never run on a key
    that is published in the source.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    from django.core.management.utils import get_random_secret_key

    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tanjai.core",
    "tanjai.organisation",
    "tanjai.accounts",
    "tanjai.reference",
    "tanjai.sla",
    "tanjai.intake",
    "tanjai.complaints",
    "tanjai.dispatch",
    "tanjai.notifications",
    "tanjai.portal",
    "tanjai.channels",
    "tanjai.reports",
    "tanjai.improvement",
    "tanjai.privacy",
    "tanjai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tanjai.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tanjai.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tanjai.urls"
WSGI_APPLICATION = "tanjai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tanjai.core.context.staff_links",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL (postgres://postgres@127.0.0.1:5432/tanjai); without it,
# the embedded default is a SQLite file in DATA_DIR.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(DATA_DIR / "tanjai.sqlite3")),
            # The web server and the in-process worker write at the same time: WAL lets
            # readers go on, IMMEDIATE transactions take the write lock up front so that
            # two writers queue instead of failing half-way.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
try:  # WhiteNoise warns about a missing folder before the first collectstatic
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "tanjai.core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Attachments: type is checked from the file's content, not its name.
TANJAI_MAX_UPLOAD_BYTES = int(os.environ.get("TANJAI_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = TANJAI_MAX_UPLOAD_BYTES + 1024 * 1024
# Files imported from GCC 1111 and Damrongtham (CSV or XLSX).
TANJAI_IMPORT_MAX_BYTES = int(os.environ.get("TANJAI_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# PostgreSQL's JIT compiler spends about a second compiling the report summaries' queries,
# which then run in tens of milliseconds: off for Tanjai's connections (core.apps sets it)
# unless asked for.
DATABASE_JIT = env_bool("DATABASE_JIT", False)
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
# Behind a proxy every request comes from the proxy: name the header that carries the
# client's address (e.g. HTTP_X_REAL_IP) so that sign-in limits count per client.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Customer channels. The *_BASE and *_URL settings let tests point the real clients at local
# servers that speak the providers' protocols.
TANJAI_PUBLIC_URL = os.environ.get("TANJAI_PUBLIC_URL", "http://127.0.0.1:8000")
LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_API_BASE = os.environ.get("LINE_API_BASE", "https://api.line.me")
FACEBOOK_APP_SECRET = os.environ.get("FACEBOOK_APP_SECRET", "")
FACEBOOK_VERIFY_TOKEN = os.environ.get("FACEBOOK_VERIFY_TOKEN", "")
FACEBOOK_PAGE_ACCESS_TOKEN = os.environ.get("FACEBOOK_PAGE_ACCESS_TOKEN", "")
FACEBOOK_GRAPH_BASE = os.environ.get("FACEBOOK_GRAPH_BASE", "https://graph.facebook.com/v21.0")
# E-mail received by `tanjai smtpd`: complaints without a place named in them go to this
# branch (the call centre's, typically) for triage, in this category until recategorised.
EMAIL_INTAKE_BRANCH = os.environ.get("EMAIL_INTAKE_BRANCH", "chonburi")
EMAIL_INTAKE_CATEGORY = os.environ.get("EMAIL_INTAKE_CATEGORY", "construction_other")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
# How SMS reach customers (notifications.transports.sms_backend): "gateway" (the HTTP gateway
# above), "local" (kept in a local outbox that staff read, never sent: the embedded default's
# stand-in, as Django's console backend is for e-mail) or "none" (a customer no other channel
# reaches becomes a telephone task for the centre). Unset: "gateway" when SMS_GATEWAY_URL is
# set, else "local" for the embedded default (no DATABASE_URL), else "none": production
# without a gateway never pretends an SMS was sent.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "").strip().lower()
if SMS_BACKEND not in {"", "gateway", "local", "none"}:
    raise ValueError(f"SMS_BACKEND must be gateway, local or none, not {SMS_BACKEND!r}")
SMS_BACKEND_DEFAULT = "none" if os.environ.get("DATABASE_URL") else "local"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "sla"],
    }
}
# Map tiles for the location pin; the forms still work when tiles cannot load.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")

# How often the scheduler runs the SLA watcher (seconds).
SLA_WATCH_INTERVAL = int(os.environ.get("SLA_WATCH_INTERVAL", "60"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tanjai@localhost")

LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/staff/login/"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS, as in production: HTTPS=true makes the cookies secure, redirects
# http:// to https:// and sends HSTS; each can be set on its own. Off by default, for the
# embedded default on one's own machine over plain HTTP.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer asks over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
# Tanjai's own host and its subdomains; "preload" only matters if someone submits the
# registered domain to the browsers' preload list, which takes the apex domain sending it.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that ends TLS, the header with which it says the client came over HTTPS
# (e.g. HTTP_X_FORWARDED_PROTO, value "https"); without it the redirect would loop. Set it
# only if the proxy always sets that header itself, whatever the client sent.
if _proxy_ssl_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF writer subsets fonts and would log every glyph it keeps.
        "fontTools": {"level": "WARNING"},
    },
}
