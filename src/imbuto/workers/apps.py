from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """Background work: `imbuto worker`, `imbuto scheduler`, recovery of tasks a dead worker held."""

    name = "imbuto.workers"
    label = "workers"
    verbose_name = "Background work"

    def ready(self) -> None:
        from imbuto.core import registry

        from .policies import register

        register()  # core.permissions: a model without a policy is denied, but must say so

        registry.PERIODIC_JOBS.add(registry.PeriodicJob(
            "workers.prune_task_results", "17 4 * * *", "imbuto.workers.tasks.prune_task_results"))
