from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.casework.models import JournalEntry, Procedure
from lien.core.dates import ReasonableDatesMixin
from lien.core.forms import PublicIdChoicesMixin


class JournalEntryForm(ReasonableDatesMixin, forms.ModelForm):
    text = forms.CharField(
        label=_("Text"),
        max_length=JournalEntry.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = JournalEntry
        fields = ["kind", "channel", "visibility", "section", "occurred_at", "text"]
        widgets = {"occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, visibilities, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        visibility = self.fields["visibility"]
        visibility.choices = [c for c in visibility.choices if c[0] in visibilities]
        if visibilities:
            self.initial.setdefault("visibility", visibilities[0])
        if not show_sensitive:
            del self.fields["section"]
        self.fields["occurred_at"].required = False
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_occurred_at(self):
        when = self.cleaned_data.get("occurred_at")
        if when and when > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("A journal entry cannot be dated in the future."))
        return when


class ProcedureForm(PublicIdChoicesMixin, ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Procedure
        fields = [
            "domain",
            "title",
            "status",
            "due_on",
            "responsible",
            "partner",
            "partner_name",
            "cpas_received_on",
            "cpas_notified_on",
            "outcome",
        ]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "cpas_received_on": forms.DateInput(attrs={"type": "date"}),
            "cpas_notified_on": forms.DateInput(attrs={"type": "date"}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, colleagues, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = colleagues
        self.fields["responsible"].to_field_name = "public_id"
        self.fields["partner"].queryset = partners
        self.fields["partner"].to_field_name = "public_id"
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        received, notified = data.get("cpas_received_on"), data.get("cpas_notified_on")
        today = timezone.localdate()
        if received and received > today:
            self.add_error("cpas_received_on", _("The receipt date cannot be in the future."))
        if notified and notified > today:
            self.add_error("cpas_notified_on", _("The notification date cannot be in the future."))
        if notified and not received:
            self.add_error("cpas_received_on", _("Give the receipt date first."))
        elif notified and received and notified < received:
            self.add_error("cpas_notified_on", _("The notification comes after the receipt."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}
