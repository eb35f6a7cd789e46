from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "imbuto.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from imbuto.core import registry

        from . import explanations, receivers
        from .policies import register
        from .selectors import may_view_rules

        register()  # who may see and configure scoring (core.permissions)
        explanations.register_all()  # the codes of threshold moves in the history (core.explain)
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.scoring.api"), order=50)
        registry.NAV.add(
            registry.NavEntry(_("Scoring"), "scoring:rules", visible=may_view_rules, group="marketing"),
            order=150,
        )
        registry.panels("lead_detail").add(registry.Panel("scoring/panels/lead_score.html"))
        registry.PERIODIC_JOBS.add(
            registry.PeriodicJob(
                name="scoring.nightly_decay",
                cron="30 2 * * *",
                task="imbuto.scoring.tasks.rescore_everything",
            )
        )
