import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.casework.models import Appointment
from lien.core.forms import PublicIdChoicesMixin

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
# Appointments are dated within this many years of today: a typo such as 2205 is caught, and
# dates stay far from the limits of Python's datetime.
YEARS_AROUND_TODAY = 10
DEFAULT_DURATION = datetime.timedelta(hours=1)


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AppointmentForm(PublicIdChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Appointment.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the social workers and coordinators who see this appointment."),
    )

    class Meta:
        model = Appointment
        fields = ["title", "starts_at", "ends_at", "place", "partner", "workers", "status", "note"]
        widgets = {
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "workers": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "title": _(
                "Shown in the agenda of everyone who sees this appointment (house managers "
                "included): keep anything confidential for the note."
            ),
            "ends_at": _("Leave empty for one hour."),
        }

    def __init__(self, *args, partners, workers, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.fields["ends_at"].required = False
        self.fields["partner"].queryset = partners
        self.fields["partner"].to_field_name = "public_id"
        self.fields["workers"].queryset = workers
        self.fields["workers"].to_field_name = "public_id"
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["status"]

    def _check_year(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        if value is not None and abs(value.year - timezone.localdate().year) > YEARS_AROUND_TODAY:
            self.add_error(
                name,
                _("Give a date within %(years)d years of today.") % {"years": YEARS_AROUND_TODAY},
            )  # add_error also takes the value out of cleaned_data

    def clean(self):
        data = super().clean()
        self._check_year("starts_at")
        self._check_year("ends_at")
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at is not None and ends_at is None and "ends_at" not in self.errors:
            data["ends_at"] = (starts_at.astimezone(datetime.UTC) + DEFAULT_DURATION).astimezone(
                starts_at.tzinfo
            )
        elif starts_at is not None and ends_at is not None and ends_at <= starts_at:
            self.add_error("ends_at", _("The end comes after the start."))
        return data

    def service_data(self) -> dict:
        fields = ["title", "starts_at", "ends_at", "place", "partner", "note"]
        if "status" in self.fields:
            fields.append("status")
        return {name: self.cleaned_data.get(name) for name in fields}


class AppointmentStatusForm(forms.Form):
    """One status button: the status asked for and the version of the appointment it was shown
    with (so that two people clicking at once do not overwrite each other)."""

    status = forms.ChoiceField(choices=Appointment.Status.choices)
    # Bounded: the column is a 32-bit integer on PostgreSQL.
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1)
