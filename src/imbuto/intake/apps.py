from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "imbuto.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from . import explanations, receivers
        from .indexing import register_edit_normaliser
        from .policies import register

        register()  # who may see intake's records (core.permissions)
        explanations.register_all()  # the codes of what intake writes down (core.explain)

        register_edit_normaliser()  # person edits of a lead are normalised as intake normalises records
        receivers.connect()

        from .extensions import register as register_extensions

        register_extensions()  # pages, API router, lead panels, lead capture, demo data (core.registry)
