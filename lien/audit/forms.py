from django import forms
from django.utils.translation import gettext_lazy as _

from lien.audit.services import ACTIONS
from lien.core.dates import ReasonableDatesMixin


class AuditFilterForm(ReasonableDatesMixin, forms.Form):
    # A plain UUID, rendered by the template as a <select> of the organisation's users: Django's
    # widget rendering costs ~0.1 ms per option, too much for thousands of users.
    actor = forms.UUIDField(label=_("Who"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *ACTIONS.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
