from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imbuto.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .throttle import connect

        connect()
