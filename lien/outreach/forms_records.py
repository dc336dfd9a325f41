"""The fuller forms that change a presence, an encounter or a drop-in visit afterwards, and
the period of the figures pages."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.dates import ReasonableDatesMixin
from lien.outreach.figures import DEFAULT_DAYS, Period
from lien.outreach.forms import (
    DATETIME_FORMATS,
    GENDER_KEYS,
    NOTE_MAX_LENGTH,
    _datetime_widget,
    _not_in_future,
)
from lien.outreach.models import Encounter, Passage
from lien.outreach.services_records import CountCell

LOGBOOK_MAX_LENGTH = 5000
NEW, KNOWN = "new", "known"


def _with_current(queryset, current_ids):
    """Live entries of a vocabulary, and those the record already names even if archived
    since (an old record keeps them)."""
    return queryset.filter(archived_at__isnull=True) | queryset.filter(pk__in=current_ids)


def _unchanged_minute(value, original):
    """The stored time when the form gives it back to the minute (a datetime-local input has
    no seconds): leaving the field alone does not change the record."""
    if value is None or original is None:
        return value
    shown = timezone.localtime(original).replace(second=0, microsecond=0)
    return original if value == shown else value


def _minimal_name(person) -> str:
    return person.nickname or person.first_name or str(_("(no name yet)"))


def _datetime_field(label, *, required=True):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=_datetime_widget(),
        validators=[_not_in_future],
        required=required,
    )


class MinimalIdentityChoiceField(forms.ModelMultipleChoiceField):
    """People named by their nickname or first name, as everywhere in street work: a field
    volunteer sees no more of the people they met (never the full name of the file)."""

    def label_from_instance(self, obj) -> str:
        return obj.nickname or obj.first_name or str(_("(no name yet)"))


class EncounterEditForm(ReasonableDatesMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_at = _datetime_field(_("When"))
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=None, to_field_name="public_id", required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Encounter.Kind.choices, widget=forms.RadioSelect
    )
    persons = MinimalIdentityChoiceField(
        label=_("People named"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick someone to take them off this encounter."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    confirm_large = forms.BooleanField(label=_("Yes, these counts are right"), required=False)

    def __init__(self, *args, encounter, places, themes, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = encounter
        self.fields["place"].queryset = _with_current(places, [encounter.place_id])
        self.fields["themes"].queryset = _with_current(
            themes, encounter.themes.values("pk")
        ).order_by("position", "pk")
        # Only the people on the encounter whom the user sees; the others stay on it unseen.
        # Named by nickname (else first name), as on the phone form: the minimal identity a
        # field volunteer may see.
        self.fields["persons"].queryset = persons
        self.fields["persons"].label_from_instance = _minimal_name
        self.grid = []
        for is_new in (False, True):
            rows = []
            for band, band_label in settings.LIEN_OUTREACH_AGE_BANDS:
                cells = []
                for gender, gender_label in Encounter.Gender.choices:
                    name = self.count_name(band, gender, is_new)
                    self.fields[name] = forms.IntegerField(
                        label=f"{band_label} {gender_label}",
                        min_value=0,
                        max_value=100_000,
                        required=False,
                        widget=forms.NumberInput(
                            attrs={"inputmode": "numeric", "min": 0, "class": "count"}
                        ),
                    )
                    cells.append(self[name])
                rows.append((band_label, cells))
            self.grid.append((is_new, rows))
        if not self.is_bound:
            self.initial.update(
                {
                    "version": encounter.version,
                    "occurred_at": timezone.localtime(encounter.occurred_at),
                    "place": encounter.place.public_id if encounter.place else None,
                    "kind": encounter.kind,
                    "persons": [p.public_id for p in persons],
                    "themes": [t.public_id for t in encounter.themes.all()],
                    "note": encounter.note,
                    "follow_up_needed": encounter.follow_up_needed,
                }
            )
            for cell in encounter.counts.all():
                name = self.count_name(cell.age_band, cell.gender, cell.is_new)
                if name in self.fields:
                    self.initial[name] = cell.count

    def clean_occurred_at(self):
        return _unchanged_minute(self.cleaned_data["occurred_at"], self.original.occurred_at)

    @staticmethod
    def count_name(band: str, gender: str, is_new: bool) -> str:
        return f"{NEW if is_new else KNOWN}_{band}_{GENDER_KEYS.get(gender, 'u')}"

    def cells(self) -> list[CountCell]:
        data = getattr(self, "cleaned_data", {})
        return [
            CountCell(band, gender, is_new, data.get(self.count_name(band, gender, is_new)) or 0)
            for is_new in (False, True)
            for band, _label in settings.LIEN_OUTREACH_AGE_BANDS
            for gender in GENDER_KEYS
            if data.get(self.count_name(band, gender, is_new))
        ]

    def clean(self):
        data = super().clean()
        total = sum(cell.count for cell in self.cells())
        limit = settings.LIEN_OUTREACH_MAX_COUNT
        if total > limit and not data.get("confirm_large"):
            self.add_error(
                "confirm_large",
                _(
                    "%(total)d people in one encounter is more than %(limit)d: tick the box "
                    "if the counts are right."
                )
                % {"total": total, "limit": limit},
            )
        return data

    def service_data(self) -> dict:
        names = ["occurred_at", "place", "kind", "note", "follow_up_needed"]
        return {name: self.cleaned_data[name] for name in names}


class PresenceEditForm(ReasonableDatesMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    started_at = _datetime_field(_("Started at"))
    ended_at = _datetime_field(_("Ended at"), required=False)
    territory = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=None, to_field_name="public_id", required=False
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Places visited"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    atmosphere = forms.CharField(label=_("Atmosphere"), max_length=200, required=False)
    logbook = forms.CharField(
        label=_("Logbook"),
        max_length=LOGBOOK_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Stored encrypted; seen by your team."),
    )

    def __init__(self, *args, presence, territories, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = presence
        self.fields["territory"].queryset = _with_current(territories, [presence.territory_id])
        self.fields["places"].queryset = _with_current(
            places, presence.places.values("pk")
        ).select_related("territory")
        if not self.is_bound:
            self.initial.update(
                {
                    "version": presence.version,
                    "started_at": timezone.localtime(presence.started_at),
                    "ended_at": presence.ended_at and timezone.localtime(presence.ended_at),
                    "territory": presence.territory.public_id if presence.territory else None,
                    "places": [p.public_id for p in presence.places.all()],
                    "atmosphere": presence.atmosphere,
                    "logbook": presence.logbook,
                }
            )

    def clean_started_at(self):
        return _unchanged_minute(self.cleaned_data["started_at"], self.original.started_at)

    def clean_ended_at(self):
        return _unchanged_minute(self.cleaned_data["ended_at"], self.original.ended_at)

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("A presence ends after it starts."))
        return data

    def service_data(self) -> dict:
        names = ["started_at", "ended_at", "territory", "atmosphere", "logbook"]
        return {name: self.cleaned_data[name] for name in names}


class PassageEditForm(ReasonableDatesMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_at = _datetime_field(_("When"))
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=None, to_field_name="public_id", required=False
    )
    age_band = forms.ChoiceField(label=_("Age band"), required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Passage.Gender.choices], required=False
    )
    services = forms.MultipleChoiceField(
        label=_("Services given"),
        choices=Passage.Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, passage, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = passage
        self.fields["place"].queryset = _with_current(places, [passage.place_id])
        self.fields["age_band"].choices = [("", "—"), *settings.LIEN_OUTREACH_AGE_BANDS]
        if passage.person_id is not None:
            # A named visitor: their file says who they are.
            del self.fields["age_band"], self.fields["gender"]
        if not self.is_bound:
            self.initial.update(
                {
                    "version": passage.version,
                    "occurred_at": timezone.localtime(passage.occurred_at),
                    "place": passage.place.public_id if passage.place else None,
                    "age_band": passage.age_band,
                    "gender": passage.gender,
                    "services": passage.services,
                }
            )

    def clean_occurred_at(self):
        return _unchanged_minute(self.cleaned_data["occurred_at"], self.original.occurred_at)

    def service_data(self) -> dict:
        names = ["occurred_at", "place", "age_band", "gender", "services"]
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


MAX_PERIOD_DAYS = 3 * 366
PRESET_DAYS = (30, 90, 365)


class PeriodForm(ReasonableDatesMixin, forms.Form):
    """The period of a neighbourhood's figures (GET): from, to (included)."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if end > today:
            self.add_error("end", _("The period ends today at the latest."))
        elif end < start:
            self.add_error("end", _("The end comes after the start."))
        elif (end - start).days >= MAX_PERIOD_DAYS:
            self.add_error("start", _("Choose a period of three years at most."))
        else:
            data["period"] = Period(start=start, end=end)
        return data

    def period(self) -> Period:
        """The period asked for: `?days=30` (a preset), `?start=…&end=…`, or the last 90 days
        when none or a wrong one is given (the form then shows why)."""
        days = self.data.get("days")
        if days in {str(d) for d in PRESET_DAYS} and not self.data.get("start"):
            return Period.last_days(int(days))
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return Period.last_days(DEFAULT_DAYS)
