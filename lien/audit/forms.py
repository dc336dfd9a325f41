from django import forms
from django.utils.translation import gettext_lazy as _

from lien.audit.services import ACTIONS


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=None, required=False, to_field_name="public_id"
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["action"].choices = [("", _("All actions")), *ACTIONS.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
