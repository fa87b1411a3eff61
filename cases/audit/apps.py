from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cases.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from cases.audit import signals

        user_locked_out.connect(signals.record_lockout, dispatch_uid="audit_locked_out")
