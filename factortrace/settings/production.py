"""Production: secrets from the environment, HTTPS, JSON logs. `manage.py check --deploy` is clean."""
from .base import *  # noqa: F403
from .base import LOGGING, env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")  # no default: fails loudly when unset
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$"]  # probes come over plain HTTP from the orchestrator
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # the header only; submitting to the list is yours
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

LOGGING = {**LOGGING, "handlers": {
    "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
}}

# Behind a proxy, sign-in rate limits must count the client's address, not the proxy's: set
# TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (1 for one
# load balancer). 0 (the default) uses the connection's address, right when gunicorn faces clients.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
