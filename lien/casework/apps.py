from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "lien.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from lien.casework import history
        from lien.casework.sections import casework_sections
        from lien.casework.sections_agenda_documents import appointment_section, document_section
        from lien.people import file_sections

        file_sections.register(casework_sections)
        file_sections.register(appointment_section)
        file_sections.register(document_section)
        history.register_kinds()
