from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from . import builtin  # noqa: F401, PLC0415 — registers the platform's report kinds once models are ready
