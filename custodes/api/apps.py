from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "custodes.api"
    label = "api"
    verbose_name = "API"
