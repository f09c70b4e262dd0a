"""Settings for pytest: the embedded services, fast hashing, in-memory mail."""
from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": False, "reset_password": False}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}
ALLOWED_HOSTS = [".localhost", "localhost", "testserver", "127.0.0.1"]

# A tenant app for the import framework's tests: a small table and an importer of its own.
from .base import INSTALLED_APPS, TENANT_APPS  # noqa: E402

TENANT_APPS = [*TENANT_APPS, "factortrace.imports.tests.sample"]
INSTALLED_APPS = [*INSTALLED_APPS, "factortrace.imports.tests.sample"]

# Several test runs may share one embedded server (developers, helpers): each can pick its own
# test database and cache/broker database numbers.
from factortrace.core.env import env_int, env_str  # noqa: E402

from .base import DATABASES, REDIS_URL, _redis_db  # noqa: E402

DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DB_NAME", "test_factortrace")}
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": _redis_db(REDIS_URL, env_int("TEST_CACHE_DB", 2)),
    "KEY_FUNCTION": "factortrace.core.cache.make_key",
    "REVERSE_KEY_FUNCTION": "factortrace.core.cache.reverse_key",
}}
MEDIA_ROOT = VAR_DIR / env_str("TEST_MEDIA_DIR", "test-media")

# The broker of test runs is its own Valkey database, so a `make run` worker never takes a test task.
_broker_db = env_int("TEST_BROKER_DB", 3)
if REDIS_URL.startswith("unix://"):
    CELERY_BROKER_URL = f"redis+socket://{REDIS_URL[len('unix://'):].split('?')[0]}?virtual_host={_broker_db}"
else:
    CELERY_BROKER_URL = _redis_db(REDIS_URL, _broker_db)
