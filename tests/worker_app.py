"""Celery app for test workers: the product's app plus the test-only report kind."""
from factortrace.celery import app  # noqa: F401

# isort: split
import tests.slow_report  # noqa: F401 — registers the test-only report kind, after the app is set up
