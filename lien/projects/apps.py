from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "lien.projects"
    label = "projects"
    verbose_name = _("Collective projects")

    def ready(self) -> None:
        from lien.people import file_sections
        from lien.projects.sections import project_section

        file_sections.register(project_section)
