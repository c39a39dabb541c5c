from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tanjai.accounts"
    label = "accounts"
