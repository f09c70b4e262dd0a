from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "factortrace.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import security  # noqa: PLC0415

        security.connect()  # the security log listens to allauth's and Django's account signals
