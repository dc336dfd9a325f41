import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.customfields.forms import CustomFieldsFormMixin
from lien.people import niss
from lien.people.merging import ABSORB, KEEP
from lien.people.models import IdentityDocument, Person, Relation

_PARTIAL_DATE = [
    (re.compile(r"^(?P<y>\d{4})$"), ("y",)),
    (re.compile(r"^(?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"), ("m", "y")),
    (re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"), ("y", "m", "d")),
]


class PartialDateField(forms.CharField):
    """A birth date as people know it: 1987, 03/1987 or 14/03/1987 (or 1987-03-14)."""

    default_error_messages = {
        "invalid": _("Write the birth date as 1987, 03/1987 or 14/03/1987."),
        "impossible": _("This date does not exist."),
        "future": _("A birth date cannot be in the future."),
        "too_old": _("This birth year is too far back."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> tuple[int | None, int | None, int | None]:
        value = super().to_python(value).strip()
        if not value:
            return (None, None, None)
        for pattern, _parts in _PARTIAL_DATE:
            match = pattern.match(value)
            if match:
                parts = match.groupdict()
                year = int(parts["y"])
                month = int(parts["m"]) if parts.get("m") else None
                day = int(parts["d"]) if parts.get("d") else None
                return self._check(year, month, day)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def _check(self, year, month, day):
        today = timezone.localdate()
        if year < today.year - 120:
            raise forms.ValidationError(self.error_messages["too_old"], code="too_old")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError(self.error_messages["impossible"], code="impossible")
        if day is not None:
            try:
                when = datetime.date(year, month, day)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["impossible"], code="impossible"
                ) from None
        else:
            when = datetime.date(year, month or 1, 1)
        if when > today:
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return (year, month, day)

    def prepare_value(self, value):
        if isinstance(value, tuple):
            year, month, day = value
            if year is None:
                return ""
            if month is None:
                return str(year)
            if day is None:
                return f"{month:02d}/{year}"
            return f"{day:02d}/{month:02d}/{year}"
        return value


class PersonForm(CustomFieldsFormMixin, forms.ModelForm):
    """A person's identity, and the organisation's custom fields given as `custom_fields`."""

    birth_date = PartialDateField(
        label=_("Birth date"), help_text=_("The year alone is fine: 1987, 03/1987 or 14/03/1987.")
    )
    niss = forms.CharField(
        label=_("National register or BIS number"),
        max_length=20,
        required=False,
        help_text=_("11 digits; dots and dashes are fine."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "nickname",
            "first_name",
            "last_name",
            "other_names",
            "gender",
            "nationality",
            "languages",
            "phone",
            "email",
            "address",
            "residence_status",
            "alert",
            "alert_note",
        ]
        widgets = {"residence_status": forms.Select}

    field_order = [
        "nickname",
        "first_name",
        "last_name",
        "other_names",
        "birth_date",
        "gender",
        "niss",
        "nationality",
        "languages",
        "phone",
        "email",
        "address",
        "residence_status",
        "alert",
        "alert_note",
    ]

    def __init__(self, *args, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_sensitive:
            del self.fields["residence_status"]
        if self.instance.pk:
            self.initial.setdefault(
                "birth_date",
                (self.instance.birth_year, self.instance.birth_month, self.instance.birth_day),
            )
            self.initial.setdefault("niss", niss.parse(self.instance.niss).display)
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("nickname", "first_name", "last_name")):
            raise forms.ValidationError(
                _("Give at least a nickname, a first name or a last name."), code="no_name"
            )
        raw = data.get("niss", "")
        if raw:
            parsed = niss.parse(raw)
            if len(parsed.digits) != 11:
                self.add_error("niss", _("A national register number has 11 digits."))
        return data

    @property
    def niss_warning(self) -> bool:
        """The number has 11 digits but a wrong checksum: saved anyway, with a warning."""
        raw = self.cleaned_data.get("niss", "") if hasattr(self, "cleaned_data") else ""
        parsed = niss.parse(raw)
        return len(parsed.digits) == 11 and not parsed.valid

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
        year, month, day = self.cleaned_data.get("birth_date") or (None, None, None)
        data.update(birth_year=year, birth_month=month, birth_day=day)
        data["niss"] = self.cleaned_data.get("niss", "")
        return data


class NewPersonForm(PersonForm):
    team = forms.ModelChoiceField(
        label=_("Followed by"), queryset=None, to_field_name="public_id", empty_label=None
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.order_fields(["team", *self.field_order])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    archived = forms.BooleanField(label=_("Include archived files"), required=False)


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")
    return value


class IdentityDocumentForm(forms.ModelForm):
    number = forms.CharField(
        label=_("Document number"),
        max_length=IdentityDocument.NUMBER_MAX_LENGTH,
        required=False,
        help_text=_("Stored encrypted; the file shows only its last characters."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=IdentityDocument.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issued_on", "expires_on", "note"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_sensitive:
            kind = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] in IdentityDocument.NON_RESIDENCE_KINDS]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_issued_on(self):
        return _not_in_future(
            self.cleaned_data.get("issued_on"), _("The date of issue cannot be in the future.")
        )

    def clean(self):
        data = super().clean()
        issued_on, expires_on = data.get("issued_on"), data.get("expires_on")
        if issued_on and expires_on and expires_on <= issued_on:
            self.add_error("expires_on", _("A document expires after it was issued."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class RelationForm(forms.ModelForm):
    """A relation; when adding one, `relatives` are the people it may name (the template
    lists only those found by a search, never everybody)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=Relation.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Relation
        fields = ["kind", "started_on", "ended_on", "note"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, relatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if relatives is not None:
            self.fields["relative"] = forms.ModelChoiceField(
                label=_("Who"),
                queryset=relatives,
                to_field_name="public_id",
                error_messages={"invalid_choice": _("Choose someone from the list.")},
            )
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_started_on(self):
        return _not_in_future(
            self.cleaned_data.get("started_on"), _("A relation cannot start in the future.")
        )

    def clean_ended_on(self):
        return _not_in_future(
            self.cleaned_data.get("ended_on"), _("A relation cannot end in the future.")
        )

    def clean(self):
        data = super().clean()
        started_on, ended_on = data.get("started_on"), data.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("A relation ends after it started."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class VersionForm(forms.Form):
    """The version a one-button action (archive, reactivate) was based on."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class LeftForm(VersionForm):
    left_on = forms.DateField(
        label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Moved away, found housing, no contact for months…"),
    )

    def clean_left_on(self):
        return _not_in_future(
            self.cleaned_data.get("left_on"), _("The date of leaving cannot be in the future.")
        )


def identity_display(person: Person, name: str) -> str:
    """One identity value of a person, as the merge page shows it."""
    if name == "birth_date":
        return person.birth_date_display
    if name == "gender":
        return str(person.get_gender_display())
    if name == "niss":
        return niss.parse(person.niss).display if person.niss else ""
    if name == "residence_status":
        return str(person.get_residence_status_display()) if person.residence_status else ""
    if name == "alert":
        if not person.alert:
            return ""
        return " — ".join(filter(None, [str(_("Alert")), person.alert_note]))
    return getattr(person, name)


IDENTITY_LABELS = {
    "nickname": _("Nickname"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "other_names": _("Other names"),
    "birth_date": _("Birth date"),
    "gender": _("Gender"),
    "niss": _("National number"),
    "nationality": _("Nationality"),
    "languages": _("Languages"),
    "phone": _("Phone"),
    "email": _("Email"),
    "address": _("Address"),
    "residence_status": _("Residence status"),
    "alert": _("Alert"),
}


class MergeForm(forms.Form):
    """For each identity value that differs between the two files, which one to keep."""

    keep_version = forms.IntegerField(widget=forms.HiddenInput)
    absorb_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, keep: Person, absorb: Person, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("keep_version", keep.version)
        self.initial.setdefault("absorb_version", absorb.version)
        self.rows = []
        for name, label in IDENTITY_LABELS.items():
            if name == "residence_status" and not show_sensitive:
                continue
            kept, absorbed = identity_display(keep, name), identity_display(absorb, name)
            if kept != absorbed:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[(KEEP, kept or "—"), (ABSORB, absorbed or "—")],
                    widget=forms.RadioSelect,
                    initial=ABSORB if absorbed and not kept else KEEP,
                )
            self.rows.append({"name": name, "label": label, "kept": kept, "absorbed": absorbed})
        for row in self.rows:
            row["field"] = self[row["name"]] if row["name"] in self.fields else None

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in IDENTITY_LABELS if name in self.fields}
