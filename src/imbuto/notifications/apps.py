from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "imbuto.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import receivers
        from .policy import register

        register()  # who may see notifications (core.permissions)
        receivers.connect()

        from imbuto.core import registry

        registry.API_ROUTERS.add(registry.Router("imbuto.notifications.api"), order=40)
        # Emails still due (mail server away, a worker died holding one): `imbuto scheduler`.
        registry.PERIODIC_JOBS.add(registry.PeriodicJob(
            "notifications.retry_emails", "*/5 * * * *", "imbuto.notifications.mail.retry_emails"))
