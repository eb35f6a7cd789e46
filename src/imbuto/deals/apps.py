from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "imbuto.deals"
    label = "deals"
    verbose_name = "Deals"

    def ready(self) -> None:
        from . import events  # noqa: F401  (the event catalogue)
        from .policies import register

        register()
