from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "imbuto.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from .events import _register
        from .policies import register

        register()  # who may see intake's records (core.permissions)

        _register()  # person edits of a lead are normalised as intake normalises records
