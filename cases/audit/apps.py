from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cases.audit"
    label = "audit"
    verbose_name = "Audit"
