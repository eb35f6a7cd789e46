from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "imbuto.activities"
    label = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        from . import events  # noqa: F401  (the event catalogue)
        from .policies import register

        register()
