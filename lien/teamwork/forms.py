import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.dates import ReasonableDatesMixin
from lien.teamwork.models import (
    AGENDA_MAX_LENGTH,
    HANDOVER_MAX_LENGTH,
    LINE_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    MINUTES_MAX_LENGTH,
    ActionItem,
    DailyReport,
    TeamMeeting,
)

# A meeting may be put down ahead with its agenda; a date years away is a typo.
PLANNED_AHEAD = datetime.timedelta(days=90)


class _UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.email


class MeetingForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=AGENDA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Read by the coordinators and social workers of the team; stored encrypted and "
            "every reading is recorded."
        ),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One decision per line."),
    )

    class Meta:
        model = TeamMeeting
        fields = ["held_on", "started_at", "attendees", "agenda", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "started_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "attendees": forms.CheckboxSelectMultiple,
        }
        field_classes = {"attendees": _UserChoice}

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].to_field_name = "public_id"
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            del self.fields["decisions"]

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() + PLANNED_AHEAD:
            raise forms.ValidationError(
                _("A meeting is recorded at most %(days)d days ahead.")
                % {"days": PLANNED_AHEAD.days}
            )
        return day

    def clean_decisions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["decisions"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > LINE_MAX_LENGTH for line in lines):
            raise forms.ValidationError(
                _("Each decision fits in %(max)d characters.") % {"max": LINE_MAX_LENGTH}
            )
        return lines

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("held_on", "started_at")} | {
            "agenda": self.cleaned_data.get("agenda", ""),
            "minutes": self.cleaned_data.get("minutes", ""),
        }


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=LINE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class _AssigneeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.email


class ActionItemForm(ReasonableDatesMixin, forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "assignee", "due_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"assignee": _AssigneeChoice}

    def __init__(self, *args, assignees, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].to_field_name = "public_id"

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on is not None and due_on < self.meeting.held_on:
            raise forms.ValidationError(_("The due date comes after the meeting."))
        return due_on


class DailyReportForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    handover = forms.CharField(
        label=_("Handover"),
        required=False,
        max_length=HANDOVER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the next shift needs to know. Stored encrypted; readings are recorded."),
    )

    class Meta:
        model = DailyReport
        fields = ["day", "handover", "partners_met"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "partners_met": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners_met"].queryset = partners
        self.fields["partners_met"].to_field_name = "public_id"
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            del self.fields["day"]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A report is written on the day or after it."))
        return day


class LiaisonMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen by the whole team, house managers included. Do not write health, justice, "
            "residence or other sensitive details about anyone: keep those for the person's "
            "file."
        ),
    )
