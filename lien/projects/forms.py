from django import forms
from django.utils.translation import gettext_lazy as _

from lien.core.dates import ReasonableDatesMixin
from lien.projects.models import (
    Activity,
    AgeBand,
    AnonymousParticipants,
    CollectiveProject,
    Gender,
    default_public,
)

TEXT_MAX = CollectiveProject.TEXT_MAX_LENGTH


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = CollectiveProject
        fields = ["team", "title", "goals", "public", "status", "starts_on", "ends_on", "partners"]
        widgets = {
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "partners": forms.CheckboxSelectMultiple,
        }
        help_texts = {"ends_on": _("Leave empty for a project without a planned end.")}

    def __init__(self, *args, teams, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners
        self.fields["partners"].to_field_name = "public_id"
        if self.instance.pk:
            del self.fields["team"]
            self.initial.setdefault("version", self.instance.version)
        else:
            self.fields["team"].queryset = teams
            self.fields["team"].to_field_name = "public_id"
            self.fields["team"].empty_label = None
            self.initial.setdefault("public", default_public())

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end comes after the start."))
        return data

    def service_data(self) -> dict:
        names = ["title", "goals", "public", "status", "starts_on", "ends_on"]
        return {name: self.cleaned_data.get(name) for name in names}


class ActivityForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    evaluation = forms.CharField(
        label=_("Short evaluation"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Activity
        fields = ["kind", "date", "end_date", "place", "evaluation"]
        widgets = {"date": _date_widget(), "end_date": _date_widget()}
        help_texts = {"end_date": _("For a stay only.")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        kind, day, end = data.get("kind"), data.get("date"), data.get("end_date")
        if end and kind != Activity.Kind.STAY:
            self.add_error("end_date", _("Only a stay lasts several days."))
        elif day and end and end <= day:
            self.add_error("end_date", _("A stay ends after the day it starts."))
        for name in ("date", "end_date"):
            value = data.get(name)
            if value and not self.project.covers(value):
                self.add_error(name, _("Give a date within the project's dates."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ActivityForm.Meta.fields}


def count_field_name(age_band: str, gender: str) -> str:
    return f"n_{age_band}_{gender}"


class AttendanceSearchForm(forms.Form):
    """The attendance page's search box: a field, so that what cannot be searched (a NUL
    character PostgreSQL refuses, a text longer than the box) is said, not crashed on."""

    q = forms.CharField(label=_("Find someone by name or nickname"), max_length=100, required=False)


class AttendanceForm(forms.Form):
    """Named people (those listed, and which of them came) and anonymous counts."""

    listed = forms.ModelMultipleChoiceField(
        queryset=None, required=False, to_field_name="public_id", widget=forms.MultipleHiddenInput
    )
    attended = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        label=_("Who came"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # Every person the user sees: a tampered id of anyone else is an invalid choice.
        self.fields["listed"].queryset = people
        self.fields["attended"].queryset = people
        self.fields["listed"].error_messages["invalid_choice"] = _(
            "This person cannot be chosen here."
        )
        self.fields["attended"].error_messages["invalid_choice"] = _(
            "This person cannot be chosen here."
        )
        for band in AgeBand:
            for gender in Gender:
                self.fields[count_field_name(band.value, gender.value)] = forms.IntegerField(
                    label=f"{band.label} · {gender.label}",
                    min_value=0,
                    max_value=AnonymousParticipants.MAX_COUNT,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
                )

    def clean(self):
        data = super().clean()
        listed = set(data.get("listed") or ())
        attended = set(data.get("attended") or ())
        data["listed"] = list(listed | attended)
        return data

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (band.value, gender.value): self.cleaned_data.get(
                count_field_name(band.value, gender.value)
            )
            or 0
            for band in AgeBand
            for gender in Gender
        }

    def count_rows(self):
        """The count fields by age band, for a table of one row per band."""
        return [
            (band.label, [self[count_field_name(band.value, g.value)] for g in Gender])
            for band in AgeBand
        ]
