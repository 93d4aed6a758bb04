from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "custodes.demo"
    label = "demo"
    verbose_name = "Fictional demo estate"
