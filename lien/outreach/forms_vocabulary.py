"""Forms of the street-work vocabularies: neighbourhoods, places, themes."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lien.core.forms import PublicIdChoicesMixin
from lien.outreach.models import Place, Territory, Theme

DESCRIPTION_MAX = 2000


class _VersionedModelForm(PublicIdChoicesMixin, forms.ModelForm):
    """A vocabulary form: the version it was read at travels with it (optimistic locking),
    and names stay unique within the organisation (said here, not as a database error)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unique_fields: tuple[str, ...] = ()
    unique_message = ""

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        values = {name: data.get(name) for name in self.unique_fields}
        if all(value not in (None, "") for value in values.values()):
            lookup = {
                f"{name}__iexact" if isinstance(v, str) else name: v for name, v in values.items()
            }
            same = self._meta.model.objects.filter(organisation=self.organisation, **lookup)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(self.unique_fields[-1], self.unique_message)
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class TerritoryForm(_VersionedModelForm):
    unique_fields = ("name_fr",)
    unique_message = _("A neighbourhood already has this French name.")

    class Meta:
        model = Territory
        fields = ["name_fr", "name_nl", "code"]
        help_texts = {
            "code": _("The official code where there is one (IBSA monitoring of neighbourhoods)."),
        }

    def clean_name_fr(self):
        name = self.cleaned_data["name_fr"].strip()
        if not name:
            raise forms.ValidationError(_("Give the French name."))
        return name


class PlaceForm(_VersionedModelForm):
    unique_fields = ("territory", "name")
    unique_message = _("This neighbourhood already has a place of this name.")
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        max_digits=9,
        decimal_places=6,
        help_text=_("In decimal degrees, e.g. 50.8490 (Brussels is about 50.85)."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        max_digits=9,
        decimal_places=6,
        help_text=_("In decimal degrees, e.g. 4.3209 (Brussels is about 4.35)."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to find it, what happens there. Never name people here."),
    )

    class Meta:
        model = Place
        fields = ["name", "kind", "territory", "latitude", "longitude", "description"]

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        # Live neighbourhoods, and the place's own even if archived since.
        current = self.instance.territory_id if self.instance.pk else None
        field.queryset = territories.filter(archived_at__isnull=True) | territories.filter(
            pk=current
        )
        field.to_field_name = "public_id"
        field.empty_label = None

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the place's name."))
        return name

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            {"latitude", "longitude"} & self.errors.keys()
        ):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Give both the latitude and the longitude, or neither."),
            )
        return data


class ThemeForm(_VersionedModelForm):
    unique_fields = ("code",)
    unique_message = _("A theme already has this code.")
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Themes are listed in this order on the phone form."),
    )

    class Meta:
        model = Theme
        fields = ["label_fr", "label_nl", "label_en", "code", "position"]
        help_texts = {
            "code": _(
                "A short identifier in lower case (letters, digits, - and _), kept when "
                "the labels change."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Reports and the seed find a theme by its code: it stays.
            del self.fields["code"]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}
