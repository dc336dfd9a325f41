import datetime
import uuid

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lien.core.dates import ReasonableDatesMixin
from lien.outreach.models import Encounter, Passage
from lien.outreach.services import Cell

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
NOTE_MAX_LENGTH = 1000
# A minute of clock drift between the phone and the server is not "the future".
FUTURE_SLACK = datetime.timedelta(minutes=5)
# Genders shown first for each common age band; the others are behind "more".
COMMON_GENDERS = ("M", "F")
# "?" cannot stand in a field name readable by everybody's tools: its key is "u".
GENDER_KEYS = {"F": "f", "M": "m", "X": "x", "?": "u"}


class PlaceSelect(forms.Select):
    """The places of the encounter form, its options written here rather than each through
    the template engine (select_option.html and attrs.html: about 0.2 ms an option, 40 ms of
    the page for the 200 places of a regional organisation). Same markup as Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _not_in_future(value):
    if value is not None and value > timezone.now() + FUTURE_SLACK:
        raise forms.ValidationError(_("This is in the future: give the time it happened."))


def _active_teams_field(teams):
    field = forms.ModelChoiceField(
        label=_("Team"), queryset=teams, to_field_name="public_id", empty_label=None
    )
    if len(teams) <= 1:
        field.widget = forms.HiddenInput()
    return field


class PresenceStartForm(forms.Form):
    client_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This page was out of date: check it and press “Go out” again."),
            "invalid": _("This page was out of date: check it and press “Go out” again."),
        },
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id")
    territory = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=None, to_field_name="public_id"
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Places you plan to visit"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, teams, territories, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = _active_teams_field(teams)
        self.fields["territory"].queryset = territories
        self.fields["places"].queryset = places


class PresenceEndForm(forms.Form):
    atmosphere = forms.CharField(
        label=_("Atmosphere"),
        max_length=200,
        required=False,
        help_text=_("A few words: calm, tense, crowded…"),
    )
    logbook = forms.CharField(
        label=_("Logbook"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stored encrypted; seen by your team."),
    )


def count_field_name(band: str, gender: str) -> str:
    return f"count_{band}_{GENDER_KEYS[gender]}"


class EncounterForm(ReasonableDatesMixin, forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id")
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=DATETIME_FORMATS,
        widget=_datetime_widget(),
        validators=[_not_in_future],
        required=False,
        help_text=_("Leave as it is for now."),
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=PlaceSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Encounter.Kind.choices,
        initial=Encounter.Kind.STREET,
        widget=forms.RadioSelect,
    )
    new_people = forms.BooleanField(label=_("Met for the first time"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    persons = forms.ModelMultipleChoiceField(
        queryset=None, to_field_name="public_id", required=False, widget=forms.MultipleHiddenInput
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    confirm_large = forms.BooleanField(label=_("Yes, these counts are right"), required=False)

    def __init__(self, *args, teams, places, themes, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = _active_teams_field(teams)
        self.fields["place"].queryset = places
        self.fields["themes"].queryset = themes
        self.fields["persons"].queryset = persons
        self.common_cells, self.other_cells = [], []
        common = set(settings.LIEN_OUTREACH_COMMON_AGE_BANDS)
        for band, band_label in settings.LIEN_OUTREACH_AGE_BANDS:
            for gender, gender_label in Encounter.Gender.choices:
                name = count_field_name(band, gender)
                self.fields[name] = forms.IntegerField(
                    label=f"{band_label} {gender_label}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"inputmode": "numeric", "min": 0, "class": "count"}
                    ),
                )
                cell = (self[name], band, gender)
                if band in common and gender in COMMON_GENDERS:
                    self.common_cells.append(cell)
                else:
                    self.other_cells.append(cell)

    def band_rows(self, cells):
        """Cells grouped by age band for the template: [(band label, [bound fields])]."""
        labels = dict(settings.LIEN_OUTREACH_AGE_BANDS)
        rows: dict[str, list] = {}
        for bound, band, _gender in cells:
            rows.setdefault(labels[band], []).append(bound)
        return list(rows.items())

    def common_rows(self):
        return self.band_rows(self.common_cells)

    def other_rows(self):
        return self.band_rows(self.other_cells)

    def cells(self) -> list[Cell]:
        return [
            Cell(band, gender, self.cleaned_data.get(count_field_name(band, gender)) or 0)
            for band, _label in settings.LIEN_OUTREACH_AGE_BANDS
            for gender in GENDER_KEYS
            if self.cleaned_data.get(count_field_name(band, gender))
        ]

    def clean(self):
        data = super().clean()
        if data.get("occurred_at") is None and "occurred_at" not in self.errors:
            data["occurred_at"] = timezone.now()
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
        if not total and not data.get("persons") and not self.errors:
            raise forms.ValidationError(
                _("Say who you met: count people by age and gender, or add a named person."),
                code="nobody",
            )
        return data


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Nickname or name"), max_length=100, required=False)


class QuickPersonForm(forms.Form):
    nickname = forms.CharField(label=_("Nickname"), max_length=100)
    confirm_new = forms.BooleanField(label=_("None of these: create a new file"), required=False)
    # The files shown as possible duplicates: "None of these" answers for them only.
    seen = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_seen(self) -> set[uuid.UUID]:
        seen = set()
        for raw in self.cleaned_data.get("seen") or []:
            try:
                seen.add(uuid.UUID(str(raw)))
            except ValueError:
                continue
        return seen

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if not nickname:
            raise forms.ValidationError(_("Give a nickname."))
        return nickname


class PassageForm(ReasonableDatesMixin, forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id")
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=DATETIME_FORMATS,
        widget=_datetime_widget(),
        validators=[_not_in_future],
        required=False,
        help_text=_("Leave as it is for now."),
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.HiddenInput,
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        help_text=_("Where the drop-in is held, if it is one of your places."),
    )
    age_band = forms.ChoiceField(label=_("Age band"), required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *Passage.Gender.choices],
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_("Services given"),
        choices=Passage.Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, teams, persons, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = _active_teams_field(teams)
        self.fields["person"].queryset = persons
        if places is None:
            del self.fields["place"]
        else:
            self.fields["place"].queryset = places
        self.fields["age_band"].choices = [("", "—"), *settings.LIEN_OUTREACH_AGE_BANDS]

    def clean(self):
        data = super().clean()
        if data.get("occurred_at") is None and "occurred_at" not in self.errors:
            data["occurred_at"] = timezone.now()
        return data


def new_token() -> uuid.UUID:
    return uuid.uuid4()
