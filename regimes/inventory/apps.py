from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """The shared GHG inventory: not a regime (it registers none), the data every regime reads."""

    name = "regimes.inventory"
    label = "inventory"
    verbose_name = "GHG inventory"

    def ready(self):
        # Imported once the app registry is ready (it loads models); registers the record writers.
        from . import services  # noqa: F401, PLC0415
