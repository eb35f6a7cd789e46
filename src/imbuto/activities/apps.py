from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "imbuto.activities"
    label = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        from imbuto.core import registry

        from . import codes, events, receivers  # noqa: F401  (events: the catalogue)
        from .policies import register

        register()
        codes.register()
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.activities.api"), order=60)
        registry.NAV.add(registry.NavEntry(_("My day"), "activities:my_day", visible=_has_a_day), order=5)
        for page in ("lead_detail", "account_detail", "contact_detail", "deal_detail"):
            registry.panels(page).add(registry.Panel(f"activities/panels/{page}.html"), order=12)
        registry.PERIODIC_JOBS.add(registry.PeriodicJob("activities.send_reminders", "* * * * *",
                                                        "imbuto.activities.tasks.send_reminders"))
        from imbuto.leads.extensions import DEMO_PARTS

        from .demo import ActivitiesDemo

        DEMO_PARTS.add(ActivitiesDemo(), order=300)  # after the deals part: meetings on its open deals


def _has_a_day(user: object) -> bool:
    from imbuto.core import permissions

    return permissions.role_of(user) is not None
