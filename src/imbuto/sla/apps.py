from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "imbuto.sla"
    label = "sla"
    verbose_name = "Response-time targets"

    def ready(self) -> None:
        from imbuto.core import registry

        from . import codes, receivers
        from .policies import register

        register()
        codes.register()
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.sla.api"), order=50)
        registry.NAV.add(registry.NavEntry(_("Response times"), "sla:reps", visible=_sees_report), order=18)
        registry.panels("lead_detail").add(registry.Panel("sla/panels/lead_clock.html"), order=10)
        registry.PERIODIC_JOBS.add(registry.PeriodicJob("sla.sweep", "* * * * *", "imbuto.sla.tasks.sweep"))


def _sees_report(user: object) -> bool:
    from imbuto.core import permissions

    return permissions.can(user, "view", "sla.report")
