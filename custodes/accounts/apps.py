from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "custodes.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from custodes.accounts import policies, signals  # noqa: F401  (registers rules and audit hooks)
