from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "imbuto.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from . import receivers
        from .indexing import register_edit_normaliser

        register_edit_normaliser()  # person edits of a lead are normalised as intake normalises records
        receivers.connect()
