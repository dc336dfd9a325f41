from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "lien.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from lien.casework.sections import casework_sections
        from lien.people import file_sections

        file_sections.register(casework_sections)
