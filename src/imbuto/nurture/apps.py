from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NurtureConfig(AppConfig):
    name = "imbuto.nurture"
    label = "nurture"
    verbose_name = "Nurturing"

    def ready(self) -> None:
        from imbuto.core import registry
        from imbuto.leads.extensions import DEMO_PARTS

        from . import codes, receivers
        from .demo import NurtureDemo
        from .policies import register

        register()
        codes.register()
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.nurture.api"), order=70)
        registry.NAV.add(registry.NavEntry(_("Nurturing"), "nurture:sequences", visible=_signed_in,
                                           group="marketing"),
                         order=160)
        registry.panels("lead_detail").add(registry.Panel("nurture/panels/lead_nurture.html"), order=200)
        registry.STYLESHEETS.add("nurture/nurture.css")
        registry.PERIODIC_JOBS.add(registry.PeriodicJob("nurture.tick", "* * * * *",
                                                        "imbuto.nurture.tasks.tick"))
        registry.PERIODIC_JOBS.add(registry.PeriodicJob("nurture.revisit_parked", "5 * * * *",
                                                        "imbuto.nurture.tasks.revisit_parked"))
        DEMO_PARTS.add(NurtureDemo(), order=200)


def _signed_in(user: object) -> bool:
    from imbuto.core import permissions

    return permissions.role_of(user) is not None
