from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lien.core"
    label = "core"
    verbose_name = "Lien core"

    def ready(self) -> None:
        from lien.core import checks  # noqa: F401
