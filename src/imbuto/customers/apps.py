from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "imbuto.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from imbuto.core import registry
        from imbuto.leads import extensions as leads_extensions

        from . import codes, events, receivers  # noqa: F401  (events: the catalogue)
        from .demo import CustomersDemo
        from .policies import register

        register()
        codes.register()
        receivers.connect()
        registry.API_ROUTERS.add(registry.Router("imbuto.customers.api"), order=60)
        registry.NAV.add(registry.NavEntry(_("Customers"), "customers:overview", group="sales"), order=40)
        registry.STYLESHEETS.add("customers/customers.css")
        for template in ("customers/panels/account_customer.html", "customers/panels/account_feedback.html",
                         "customers/panels/account_problems.html", "customers/panels/account_referrals.html"):
            registry.panels("account_detail").add(registry.Panel(template))
        leads_extensions.DEMO_PARTS.add(CustomersDemo(), order=200)
