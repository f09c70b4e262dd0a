from django.apps import AppConfig


class CsrdConfig(AppConfig):
    name = "regimes.csrd"
    label = "csrd"
    verbose_name = "CSRD / ESRS E1"

    def ready(self):
        # Imported once the app registry is ready: they load models.
        from regimes.base.registry import register  # noqa: PLC0415

        from . import report, services  # noqa: F401, PLC0415 — register the report kinds and the energy writers
        from .regime import CSRD  # noqa: PLC0415

        register(CSRD)
