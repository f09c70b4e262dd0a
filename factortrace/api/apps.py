from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "factortrace.api"
    label = "api"
    verbose_name = "API"
