from django.apps import AppConfig


class CustomFactorsConfig(AppConfig):
    name = "factors.custom"
    label = "factors_custom"
    verbose_name = "Custom and supplier factors"
