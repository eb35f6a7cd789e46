from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "imbuto.routing"
    label = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from imbuto.core import registry

        from . import explanations, receivers
        from .policies import may_configure, register

        register()
        explanations.register()
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.routing.api"), order=45)
        registry.NAV.add(registry.NavEntry(_("Routing"), "routing:overview", visible=may_configure,
                                           group="settings"), order=800)
        registry.panels("lead_detail").add(registry.Panel("routing/panels/lead_routing.html"))
        registry.PERIODIC_JOBS.add(
            registry.PeriodicJob(
                name="routing.route_waiting", cron="*/5 * * * *", task="imbuto.routing.tasks.route_waiting"
            )
        )
