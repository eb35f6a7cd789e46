from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "imbuto.users"
    label = "users"
    verbose_name = "Users"

    def ready(self) -> None:
        from .policies import register

        register()  # who may see and change users, teams and tokens (core.permissions)

        from django.utils.translation import gettext_lazy as _

        from imbuto.core import registry
        from imbuto.core.permissions import can_manage_users

        registry.API_ROUTERS.add(registry.Router("imbuto.users.api"), order=20)
        registry.NAV.add(registry.NavEntry(_("Users"), "users:user_list", visible=can_manage_users,
                                                   group="settings"),
                         order=900)

        from .throttle import connect

        connect()
