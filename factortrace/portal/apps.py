from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "factortrace.portal"
    label = "portal"
    verbose_name = "Portal"
