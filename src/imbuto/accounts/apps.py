from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imbuto.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .policies import register

        register()  # who may see and change users, teams and tokens (core.permissions)

        from .throttle import connect

        connect()
