from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "imbuto.intake"
    label = "intake"
    verbose_name = "Intake"
