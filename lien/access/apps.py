from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lien.access"
    label = "access"
    verbose_name = "Access policy"
