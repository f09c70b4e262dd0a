from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "factortrace.audit"
    label = "audit"
    verbose_name = "Audit trail"
