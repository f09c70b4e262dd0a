from django.apps import AppConfig


class FactorsConfig(AppConfig):
    name = "factors"
    verbose_name = "Emission factor library"
