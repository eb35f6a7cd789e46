from django.apps import AppConfig


class PredictionConfig(AppConfig):
    name = "imbuto.prediction"
    label = "prediction"
    verbose_name = "Prediction"

    def ready(self) -> None:
        from imbuto.core import registry

        from . import receivers
        from .policies import register

        register()  # who may see predictions and model versions (core.permissions)
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.prediction.api"), order=60)
        registry.panels("lead_detail").add(registry.Panel("prediction/panels/lead_prediction.html"),
                                           order=20)
        registry.PERIODIC_JOBS.add(registry.PeriodicJob(
            name="prediction.nightly_train", cron="30 2 * * *",
            task="imbuto.prediction.tasks.nightly_train"))
