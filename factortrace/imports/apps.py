from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "factortrace.imports"
    label = "imports"
    verbose_name = "Imports"
