from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.casework.models import FollowUp, PathwayStep, PathwayTemplate
from lien.core.dates import ReasonableDatesMixin
from lien.core.forms import PublicIdChoicesMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PathwayForm(PublicIdChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PathwayTemplate
        fields = ["name", "event", "team"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = forms.ModelChoiceField(
            teams,
            to_field_name="public_id",
            required=False,
            label=_("Only for this team"),
            help_text=_("Leave empty for every team."),
        )
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class StepForm(forms.ModelForm):
    class Meta:
        model = PathwayStep
        fields = ["title", "domain", "days_after"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days_after"].widget.attrs.update(min=0, max=PathwayStep.MAX_DAYS)


StepFormSet = forms.inlineformset_factory(
    PathwayTemplate,
    PathwayStep,
    form=StepForm,
    extra=3,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


def live_steps_formset(data, template: PathwayTemplate | None) -> forms.BaseInlineFormSet:
    instance = template or PathwayTemplate()
    queryset = (
        template.steps.filter(archived_at__isnull=True)
        if template is not None
        else PathwayStep.objects.none()
    )
    return StepFormSet(data, instance=instance, queryset=queryset, prefix="steps")


def steps_from(formset) -> list[dict]:
    steps = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        steps.append(
            {
                "step": form.instance if form.instance.pk else None,
                "title": form.cleaned_data["title"],
                "domain": form.cleaned_data["domain"],
                "days_after": form.cleaned_data["days_after"],
                "changed": form.has_changed(),
            }
        )
    return steps


class OpenFollowUpForm(ReasonableDatesMixin, forms.Form):
    team = forms.ModelChoiceField(None, to_field_name="public_id", label=_("Team"))
    started_on = forms.DateField(label=_("Start"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for the follow-up"), max_length=300, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_started_on(self):
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot start in the future."))
        return day


class EndFollowUpForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FollowUp
        fields = ["ended_on", "end_reason"]
        widgets = {"ended_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["end_reason"].required = True
        if not self.initial.get("ended_on"):  # the instance gives None: offer today
            self.initial["ended_on"] = timezone.localdate()
        self.initial.setdefault("version", self.instance.version)

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot end in the future."))
        if day < self.instance.started_on:
            raise forms.ValidationError(_("The end comes after the start."))
        return day
