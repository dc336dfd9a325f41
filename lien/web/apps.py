from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lien.web"
    label = "web"
    verbose_name = "Lien web"
