from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imbuto.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import events, tasks
        from .policies import register

        register()
        events.RETRY.provide(tasks.redeliver.enqueue)  # a failed receiver is retried by a task

        from django.db.models.signals import pre_save

        from .models import AuditEvent
        from .net import fill_audit_ip

        pre_save.connect(fill_audit_ip, sender=AuditEvent, dispatch_uid="imbuto.core.audit_ip")
