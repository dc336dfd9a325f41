from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "lien.outreach"
    label = "outreach"
    verbose_name = _("Street work")

    def ready(self) -> None:
        from lien.outreach import history

        history.register_kinds()
