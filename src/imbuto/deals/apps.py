from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Also after `flush` (transactional tests, a reset): the default pipeline is reference data."""
    from .defaults import seed_defaults

    seed_defaults(using=using)


class DealsConfig(AppConfig):
    name = "imbuto.deals"
    label = "deals"
    verbose_name = "Deals"

    def ready(self) -> None:
        from imbuto.core import registry

        from . import (
            codes,
            events,  # noqa: F401  (the event catalogue)
        )
        from .extensions import register_demo
        from .policies import register

        register()
        codes.register()
        registry.API_ROUTERS.add(registry.Router("imbuto.deals.api"), order=60)
        registry.NAV.add(registry.NavEntry(_("Deals"), "deals:board"), order=17)
        registry.panels("lead_detail").add(registry.Panel("deals/panels/lead_convert.html"), order=5)
        registry.panels("lead_detail").add(registry.Panel("deals/panels/lead_win_back.html"), order=6)
        registry.PERIODIC_JOBS.add(
            registry.PeriodicJob("deals.recycle_lost", "17 * * * *", "imbuto.deals.tasks.recycle_lost")
        )
        registry.panels("deal_detail")  # the deal page's place for other apps' panels (activities' timeline)
        register_demo()
        post_migrate.connect(_seed, sender=self, dispatch_uid="imbuto.deals.seed_defaults")
