from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_channels(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Also after `flush` (transactional tests, a reset): the channels are reference data."""
    from .channels import seed_channels

    seed_channels(using=using)


class LeadsConfig(AppConfig):
    name = "imbuto.leads"
    label = "leads"
    verbose_name = "Leads"

    def ready(self) -> None:
        from . import extensions
        from .policies import register

        register()  # who may see and change leads, accounts, contacts... (core.permissions)
        extensions.register()  # pages, API router, panels on the user page (core.registry)
        post_migrate.connect(_seed_channels, sender=self, dispatch_uid="imbuto.leads.seed_channels")
