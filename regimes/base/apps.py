from django.apps import AppConfig


class RegimesBaseConfig(AppConfig):
    name = "regimes.base"
    label = "regimes_base"
    verbose_name = "Regimes (shared)"
