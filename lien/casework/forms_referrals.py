from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.casework.models import CircleMember, Consent, Referral
from lien.core.dates import ReasonableDatesMixin
from lien.core.forms import PublicIdChoicesMixin


def _not_future(form, name: str, message) -> None:
    day = form.cleaned_data.get(name)
    if day and day > timezone.localdate():
        form.add_error(name, message)


class _PartnerChoice(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(ReasonableDatesMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["scope", "partner", "given_on", "note"]
        widgets = {"given_on": DATE, "scope": forms.RadioSelect}

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _PartnerChoice(
            partners, required=False, label=_("Partner (for sharing)")
        )
        self.fields["given_on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        _not_future(self, "given_on", _("A consent cannot be dated in the future."))
        if data.get("scope") == Consent.Scope.SHARING and not data.get("partner"):
            self.add_error("partner", _("Name the partner the person agrees to share with."))
        if data.get("scope") == Consent.Scope.PROCESSING:
            data["partner"] = None
        return data


class ReferralForm(ReasonableDatesMixin, forms.ModelForm):
    consent_now = forms.BooleanField(
        label=_("The person agrees today to share what is needed with this partner"),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Why refer without the person's consent (if none is recorded)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Referral
        fields = ["partner", "reason", "referred_on", "accompanied"]
        widgets = {"referred_on": DATE, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partners, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _PartnerChoice(partners, label=_("Partner"))
        self.fields["referred_on"].initial = timezone.localdate
        if not may_override:
            del self.fields["override_reason"]

    def clean(self):
        data = super().clean()
        _not_future(self, "referred_on", _("A referral cannot be dated in the future."))
        return data


class ReferralAnswerForm(ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        fields = ["status", "refusal_reason", "outcome", "remind_on"]
        widgets = {"remind_on": DATE, "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        if data.get("status") == Referral.Status.REFUSED and not data.get("refusal_reason"):
            self.add_error("refusal_reason", _("Give the reason for the refusal."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class CircleMemberForm(PublicIdChoicesMixin, ReasonableDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CircleMember
        fields = [
            "role",
            "colleague",
            "partner",
            "name",
            "phone",
            "email",
            "started_on",
            "ended_on",
            "last_contact_on",
        ]
        widgets = {"started_on": DATE, "ended_on": DATE, "last_contact_on": DATE}

    def __init__(self, *args, partners, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _PartnerChoice(partners, required=False, label=_("Organisation"))
        self.fields["colleague"] = forms.ModelChoiceField(
            colleagues,
            to_field_name="public_id",
            required=False,
            label=_("Colleague in our organisation"),
        )
        self.fields["name"].help_text = _("For someone outside the organisation.")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        if not data.get("colleague") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a colleague or give the name of the person."))
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end comes after the start."))
        _not_future(self, "last_contact_on", _("The last contact cannot be in the future."))
        _not_future(self, "started_on", _("The start cannot be in the future."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}
