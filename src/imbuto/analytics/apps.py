from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "imbuto.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from imbuto.core import registry
        from imbuto.leads import extensions as leads_extensions

        from .demo import AnalyticsDemo
        from .policies import register

        register()
        registry.API_ROUTERS.add(registry.Router("imbuto.analytics.api"), order=90)
        registry.NAV.add(registry.NavEntry(_("Dashboard"), "analytics:dashboard", visible=_sees), order=7)
        leads_extensions.DEMO_PARTS.add(AnalyticsDemo(), order=200)


def _sees(user: object) -> bool:
    from imbuto.core import permissions

    return permissions.can(user, "view", "analytics.dashboard")
