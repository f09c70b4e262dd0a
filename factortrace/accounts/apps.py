from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "factortrace.accounts"
    label = "accounts"
    verbose_name = "Accounts"
