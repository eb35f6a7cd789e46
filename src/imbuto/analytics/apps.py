from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "imbuto.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from imbuto.core import registry
        from imbuto.leads import extensions as leads_extensions

        from . import receivers
        from .demo import AnalyticsDemo
        from .policies import register

        register()
        receivers.connect()  # lead and deal events refresh the summary tables
        registry.PERIODIC_JOBS.add(registry.PeriodicJob(
            name="analytics.sweep", cron="*/5 * * * *", task="imbuto.analytics.tasks.sweep"))
        registry.PERIODIC_JOBS.add(registry.PeriodicJob(
            name="analytics.rebuild", cron="15 3 * * *", task="imbuto.analytics.tasks.rebuild"))
        registry.API_ROUTERS.add(registry.Router("imbuto.analytics.api"), order=90)
        registry.NAV.add(registry.NavEntry(_("Dashboard"), "analytics:dashboard", visible=_sees), order=7)
        leads_extensions.DEMO_PARTS.add(AnalyticsDemo(), order=200)


def _sees(user: object) -> bool:
    from imbuto.core import permissions

    return permissions.can(user, "view", "analytics.dashboard")
