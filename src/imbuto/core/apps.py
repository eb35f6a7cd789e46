from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imbuto.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .policies import register

        register()

        from django.db.models.signals import pre_save

        from .models import AuditEvent
        from .net import fill_audit_ip

        pre_save.connect(fill_audit_ip, sender=AuditEvent, dispatch_uid="imbuto.core.audit_ip")
