"""Celery app for test workers: the product's app plus the test-only report kind."""
from factortrace.celery import app  # noqa: F401

import tests.slow_report  # noqa: F401,E402
