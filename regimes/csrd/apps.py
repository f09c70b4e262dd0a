from django.apps import AppConfig


class CsrdConfig(AppConfig):
    name = "regimes.csrd"
    label = "csrd"
    verbose_name = "CSRD / ESRS E1"

    def ready(self):
        from regimes.base.registry import register

        from . import report, services  # noqa: F401 — register the report kinds and the energy writers
        from .regime import CSRD

        register(CSRD)
