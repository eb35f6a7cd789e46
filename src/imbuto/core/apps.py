from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imbuto.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .policies import register

        register()
