from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lien.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from lien.customfields.models import CustomField
        from lien.customfields.sections import section_for
        from lien.people import file_sections, history

        file_sections.register(section_for(CustomField.Entity.PERSON))
        history.register_kinds()
