from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "factortrace.core"
    label = "core"
    verbose_name = "Core"
