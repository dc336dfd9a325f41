from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lien.partners.models import Partner, PartnerContact


class PartnerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Partner
        fields = [
            "name",
            "sector",
            "services",
            "address",
            "postcode",
            "commune",
            "opening_hours",
            "languages",
            "phone",
            "email",
            "website",
            "notes",
        ]
        widgets = {
            "services": forms.Textarea(attrs={"rows": 4}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "services": _("What they offer, for whom, on which conditions."),
            "languages": _("For example: FR, NL, EN, Arabic, Romanian."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PartnerContact
        fields = ["full_name", "role", "phone", "email", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"role": _("For example: social worker, doctor, reception.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("All sectors")), *Partner.Sector.choices],
        required=False,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        required=False,  # checked in clean_file, which also explains a file cut short
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, cut_short: bool = False, **kwargs):
        """`cut_short`: the upload handler stopped reading the file at the size limit."""
        super().__init__(*args, **kwargs)
        from django.template.defaultfilters import filesizeformat

        self.cut_short = cut_short

        self.fields["file"].help_text = _(
            "First row: the column headings (nom / naam / name is required). At most "
            "%(size)s and %(rows)s rows."
        ) % {
            "size": filesizeformat(settings.LIEN_PARTNER_IMPORT_MAX_BYTES),
            "rows": settings.LIEN_PARTNER_IMPORT_MAX_ROWS,
        }

    def clean_file(self):
        from lien.partners.importing import too_large_message

        upload = self.cleaned_data.get("file")
        limit = settings.LIEN_PARTNER_IMPORT_MAX_BYTES
        if self.cut_short or (upload is not None and upload.size > limit):
            raise forms.ValidationError(too_large_message(limit), code="too_large")
        if upload is None:
            raise forms.ValidationError(_("Choose a CSV or XLSX file."), code="required")
        return upload
