"""Forms of the daily counters: their configuration, and a team's counts of one day."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lien.core.forms import PublicIdChoicesMixin
from lien.outreach.models import CounterType
from lien.outreach.services_counters import COUNT_HARD_LIMIT, COUNTER_FIELDS


class CounterTypeForm(PublicIdChoicesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CounterType
        fields = list(COUNTER_FIELDS)
        help_texts = {
            "label_nl": _("Shown in Dutch; the French label when empty."),
            "label_en": _("Shown in English; the French label when empty."),
            "position": _("Counters are shown from the smallest number."),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = forms.ModelChoiceField(
            teams,
            to_field_name="public_id",
            required=False,
            label=_("Only for this team"),
            help_text=_("Leave empty for every team."),
        )
        self.fields["position"].widget.attrs.update(min=0, max=32767)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def _post_clean(self):
        pass  # the service checks and writes

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in COUNTER_FIELDS}


def count_name(counter: CounterType) -> str:
    return f"c_{counter.public_id}"


def version_name(counter: CounterType) -> str:
    return f"v_{counter.public_id}"


class DayCountsForm(forms.Form):
    """One number per counter of the team, with the version of the row it was read from."""

    confirm_large = forms.BooleanField(label=_("Yes, these counts are right"), required=False)

    def __init__(self, *args, counters, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.counters = list(counters)
        for counter in self.counters:
            row = rows.get(counter.pk)
            self.fields[count_name(counter)] = forms.IntegerField(
                label=counter.label,
                min_value=0,
                max_value=COUNT_HARD_LIMIT,
                required=False,
                initial=row.count if row else 0,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "min": 0, "class": "count"}
                ),
            )
            self.fields[version_name(counter)] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                min_value=0,
                initial=row.version if row else 0,
            )

    def rows(self):
        """[(counter, bound count field)] for the template."""
        return [(counter, self[count_name(counter)]) for counter in self.counters]

    def counts(self) -> dict[CounterType, int]:
        return {c: self.cleaned_data.get(count_name(c)) or 0 for c in self.counters}

    def versions(self) -> dict[CounterType, int]:
        return {c: self.cleaned_data.get(version_name(c)) or 0 for c in self.counters}

    def clean(self):
        data = super().clean()
        limit = settings.LIEN_OUTREACH_MAX_COUNT
        large = [
            counter.label
            for counter in self.counters
            if (data.get(count_name(counter)) or 0) > limit
        ]
        if large and not data.get("confirm_large"):
            self.add_error(
                "confirm_large",
                _("More than %(limit)d for %(counters)s: tick the box if the counts are right.")
                % {"limit": limit, "counters": ", ".join(large)},
            )
        return data
