from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "lien.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from lien.partners import history

        history.register_kinds()
