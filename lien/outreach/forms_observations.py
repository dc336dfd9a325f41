"""Forms of observations and mediations (phone first), and the filters of their lists."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.dates import ReasonableDatesMixin
from lien.core.forms import PublicIdChoicesMixin
from lien.customfields.forms import CustomFieldsFormMixin
from lien.outreach.forms import DATETIME_FORMATS, _active_teams_field, _datetime_widget
from lien.outreach.forms import _not_in_future as not_in_future
from lien.outreach.models import Mediation, Observation
from lien.outreach.services_observations import clean_measures

TEXT_WIDGET = forms.Textarea(attrs={"rows": 3})
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _location_fields(form, territories, places) -> None:
    form.fields["territory"] = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=territories,
        to_field_name="public_id",
        required=False,
        help_text=_("Not needed when you choose a place."),
    )
    form.fields["place"] = forms.ModelChoiceField(
        label=_("Place"), queryset=places, to_field_name="public_id", required=False
    )


def _check_location(form, data) -> None:
    if not data.get("territory") and not data.get("place") and not form.has_error("place"):
        form.add_error("place", _("Say where: choose a neighbourhood or a place."))


def parse_measures(text: str) -> dict:
    """'syringes found: 3' lines as {label: number}; raises ValidationError."""
    measures = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, value = line.replace("=", ":").rpartition(":")
        try:
            if not sep:
                raise InvalidOperation
            measures[label.strip()] = Decimal(value.strip().replace(",", "."))
        except InvalidOperation as exc:
            raise forms.ValidationError(
                _("Line %(line)d: write a name, a colon and a number (e.g. “syringes: 3”).")
                % {"line": number}
            ) from exc
    return clean_measures(measures)


def measures_text(measures: dict) -> str:
    return "\n".join(f"{label}: {value}" for label, value in (measures or {}).items())


class ObservationForm(
    PublicIdChoicesMixin, ReasonableDatesMixin, CustomFieldsFormMixin, forms.ModelForm
):
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    observed_at = forms.DateTimeField(
        label=_("When"),
        input_formats=DATETIME_FORMATS,
        widget=_datetime_widget(),
        validators=[not_in_future],
        required=False,
        help_text=_("Leave as it is for now."),
    )
    measures_text = forms.CharField(
        label=_("Other measures"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, a name and a number: “syringes found: 3”."),
    )
    confirm_large = forms.BooleanField(label=_("Yes, this number is right"), required=False)

    class Meta:
        model = Observation
        fields = ["category", "territory", "place", "observed_at", "people_present", "text"]
        widgets = {"text": TEXT_WIDGET, "category": forms.RadioSelect}

    def __init__(self, *args, teams=None, territories, places, **kwargs):
        super().__init__(*args, **kwargs)
        _location_fields(self, territories, places)
        if teams is not None:  # a new observation: for which team
            self.fields["team"] = _active_teams_field(teams)
        self.fields["text"].validators.append(MaxLengthValidator(Observation.TEXT_MAX_LENGTH))
        self.fields["text"].widget.attrs["maxlength"] = Observation.TEXT_MAX_LENGTH
        present = self.fields["people_present"]
        present.validators.append(MaxValueValidator(100_000))
        present.widget.attrs.update(inputmode="numeric", max=100_000)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("measures_text", measures_text(self.instance.measures))

    def custom_bound_fields(self) -> list:
        return [self[name] for name in self.custom_field_names]

    def clean_measures_text(self):
        return parse_measures(self.cleaned_data.get("measures_text", ""))

    def clean(self):
        data = super().clean()
        if data.get("observed_at") is None and not self.has_error("observed_at"):
            data["observed_at"] = self.instance.observed_at if self.instance.pk else timezone.now()
        _check_location(self, data)
        present = data.get("people_present")
        limit = settings.LIEN_OUTREACH_MAX_COUNT
        if present is not None and present > limit and not data.get("confirm_large"):
            self.add_error(
                "confirm_large",
                _("%(count)d people present is more than %(limit)d: tick the box if it is right.")
                % {"count": present, "limit": limit},
            )
        return data

    def _post_clean(self):
        # The service sets the neighbourhood from the place; the model's own check would
        # otherwise run before it (and the values are checked by the service anyway).
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class MediationForm(PublicIdChoicesMixin, ReasonableDatesMixin, forms.ModelForm):
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=DATETIME_FORMATS,
        widget=_datetime_widget(),
        validators=[not_in_future],
        required=False,
        help_text=_("Leave as it is for now."),
    )
    persons = forms.ModelMultipleChoiceField(
        queryset=None, to_field_name="public_id", required=False, widget=forms.MultipleHiddenInput
    )

    class Meta:
        model = Mediation
        fields = [
            "nature",
            "territory",
            "place",
            "occurred_at",
            "parties_description",
            "actions",
            "outcome",
            "follow_up_on",
        ]
        widgets = {
            "nature": forms.RadioSelect,
            "parties_description": TEXT_WIDGET,
            "actions": TEXT_WIDGET,
            "outcome": TEXT_WIDGET,
            "follow_up_on": DATE_WIDGET,
        }
        help_texts = {
            "parties_description": _(
                "Without names: “two shopkeepers and a group of young people”. Named people "
                "are added below."
            ),
            "follow_up_on": _("Shown on your team's Today from that day on."),
        }

    def __init__(self, *args, teams=None, territories, places, persons, **kwargs):
        super().__init__(*args, **kwargs)
        _location_fields(self, territories, places)
        if teams is not None:
            self.fields["team"] = _active_teams_field(teams)
        self.fields["persons"].queryset = persons
        for name in ("parties_description", "actions", "outcome"):
            self.fields[name].validators.append(MaxLengthValidator(Mediation.TEXT_MAX_LENGTH))
            self.fields[name].widget.attrs["maxlength"] = Mediation.TEXT_MAX_LENGTH
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_persons(self):
        persons = self.cleaned_data.get("persons") or []
        if len(persons) > Mediation.MAX_PERSONS:
            raise forms.ValidationError(
                _("At most %(max)d named people.") % {"max": Mediation.MAX_PERSONS}
            )
        return persons

    def clean(self):
        data = super().clean()
        if data.get("occurred_at") is None and not self.has_error("occurred_at"):
            data["occurred_at"] = self.instance.occurred_at if self.instance.pk else timezone.now()
        _check_location(self, data)
        follow_up_on = data.get("follow_up_on")
        occurred_at = data.get("occurred_at")
        if follow_up_on and occurred_at and follow_up_on < timezone.localdate(occurred_at):
            self.add_error("follow_up_on", _("The follow-up comes after the mediation."))
        return data

    def _post_clean(self):
        pass  # see ObservationForm: the service checks and writes

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class ListFilterForm(ReasonableDatesMixin, forms.Form):
    """Filters of the observation and mediation lists (all optional, GET)."""

    territory = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=None, to_field_name="public_id", required=False
    )
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=None, to_field_name="public_id", required=False
    )
    kind = forms.ChoiceField(label=_("Category"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Up to"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, territories, places, kinds, kind_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories
        self.fields["place"].queryset = places
        self.fields["kind"].choices = [("", "—"), *kinds]
        if kind_label:
            self.fields["kind"].label = kind_label

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end comes after the start."))
        return data

    def apply(self, queryset, *, kind_field: str, date_field: str):
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("territory"):
            queryset = queryset.filter(territory=data["territory"])
        if data.get("place"):
            queryset = queryset.filter(place=data["place"])
        if data.get("kind"):
            queryset = queryset.filter(**{kind_field: data["kind"]})
        # Brussels days as time ranges, so that the (…, time) indexes serve.
        if data.get("date_from"):
            queryset = queryset.filter(**{f"{date_field}__gte": _midnight(data["date_from"])})
        if data.get("date_to"):
            end = _midnight(data["date_to"] + datetime.timedelta(days=1))
            queryset = queryset.filter(**{f"{date_field}__lt": end})
        return queryset


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
