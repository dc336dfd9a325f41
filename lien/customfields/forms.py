from django import forms
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from lien.core.forms import PublicIdChoicesMixin
from lien.customfields import services
from lien.customfields.models import CustomField, CustomValue
from lien.customfields.values import in_option_order, plain_number, read_values

Kind = CustomField.Kind
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES, NO = "yes", "no"


class CustomFieldForm(PublicIdChoicesMixin, forms.ModelForm):
    """An admin's definition of a field. Its kind is chosen once, when the field is created."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CustomField
        fields = [
            "entity",
            "label",
            "kind",
            "choices",
            "help_text",
            "team",
            "required",
            "sensitive",
            "position",
        ]
        widgets = {"choices": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "choices": _(
                "For a choice: one option per line (at most 100). An option taken out of the "
                "list stays on the files that have it."
            ),
            "required": _("The field must be filled in to save the form."),
            "sensitive": _(
                "Health, addictions, justice, residence: only roles with the right to "
                "sensitive sections see it; stored encrypted, never a filter."
            ),
            "position": _("Fields are shown from the smallest number."),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = forms.ModelChoiceField(
            teams,
            to_field_name="public_id",
            required=False,
            label=_("Only for this team"),
            help_text=_("Only its members see and fill the field. Leave empty for everybody."),
        )
        self.fields["choices"].max_length = None
        # A person's file unless said otherwise (the field came before other entities).
        self.fields["entity"].required = False
        self.fields["entity"].choices = CustomField.Entity.choices
        self.fields["position"].widget.attrs.update(min=0, max=32767)
        if self.instance.pk:
            # Values are stored by kind: another kind would need another field.
            self.fields["kind"].disabled = True
            self.fields["entity"].disabled = True
            self.fields["kind"].help_text = _(
                "The kind cannot change: archive this field and create another one."
            )
            self.initial.setdefault("version", self.instance.version)

    def clean_entity(self):
        return self.cleaned_data.get("entity") or CustomField.Entity.PERSON

    def clean_choices(self):
        kind = self.instance.kind if self.instance.pk else self.cleaned_data.get("kind")
        options = services.parse_options(self.cleaned_data.get("choices", ""))
        if kind not in CustomField.CHOICE_KINDS:
            return ""
        services.check_options(kind, options)
        return "\n".join(options)

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.DEFINITION_FIELDS}


# One form field per custom field, on the forms of the records that carry them.


def _choices(field: CustomField, current) -> list[tuple[str, str]]:
    """The field's options, plus those the record holds that were since taken out of the list."""
    kept = current if isinstance(current, list) else [current] if current else []
    options = in_option_order(field, [*field.options, *kept])
    offered = set(field.options)
    return [
        (
            option,
            option
            if option in offered
            else _("%(option)s (no longer offered)") % {"option": option},
        )
        for option in options
    ]


def form_field(field: CustomField, current=None) -> forms.Field:
    common = {
        "label": field.label,
        "required": field.required,
        # The template shows help texts as markup: an admin's text must reach it escaped.
        "help_text": escape(field.help_text),
    }
    if field.kind == Kind.TEXT:
        return forms.CharField(max_length=services.TEXT_MAX_LENGTH, **common)
    if field.kind == Kind.LONG_TEXT:
        return forms.CharField(
            max_length=services.LONG_TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            **common,
        )
    if field.kind == Kind.NUMBER:
        return forms.DecimalField(
            max_digits=services.NUMBER_MAX_DIGITS,
            decimal_places=services.NUMBER_DECIMAL_PLACES,
            localize=True,  # "3,5" in French, "3.5" in English
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if field.kind == Kind.DATE:
        return forms.DateField(
            widget=DATE_WIDGET,
            validators=[_date_in_range],
            **common,
        )
    if field.kind == Kind.YES_NO:
        choices = [(YES, _("Yes")), (NO, _("No"))]
        if not field.required:
            choices.append(("", _("Not recorded")))
        return forms.TypedChoiceField(
            choices=choices,
            coerce=lambda value: value == YES,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if field.kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *_choices(field, current)], **common)
    return forms.MultipleChoiceField(
        choices=_choices(field, current), widget=forms.CheckboxSelectMultiple, **common
    )


def _date_in_range(value):
    if not services.EARLIEST_DATE <= value <= services.LATEST_DATE:
        raise forms.ValidationError(
            _("Give a date between %(start)s and %(end)s.")
            % {"start": services.EARLIEST_DATE.year, "end": services.LATEST_DATE.year},
            code="out_of_range",
        )


def initial_of(field: CustomField, value):
    if field.kind == Kind.YES_NO and value is not None:
        return YES if value else NO
    if field.kind == Kind.NUMBER and value is not None:
        return plain_number(value)
    return value


class CustomFieldsFormMixin:
    """Adds the custom fields given as `custom_fields` (those the user may fill: see
    `models.fields_for`) to a record's ModelForm, filled with the instance's values."""

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_fields = list(custom_fields)
        current = {}
        if self.custom_fields and self.instance.pk:
            current = read_values(self.custom_fields, [self.instance.pk]).get(self.instance.pk, {})
        for field in self.custom_fields:
            self.fields[field.form_name] = form_field(field, current.get(field.pk))
            if field.pk in current:
                self.initial.setdefault(field.form_name, initial_of(field, current[field.pk]))

    @property
    def custom_field_names(self) -> list[str]:
        return [field.form_name for field in self.custom_fields]

    def custom_data(self) -> dict:
        """{custom field: cleaned value}, for `services.save_values`."""
        return {field: self.cleaned_data.get(field.form_name) for field in self.custom_fields}


# Filters of a list on its custom fields.


class CustomFilterForm(forms.Form):
    """One filter per non-sensitive choice, yes/no, number or date field the user may see:
    `?cf_<public id>=option` (or yes / no); `_from` and `_to` for numbers and dates. Each
    filter is a subquery: the list costs as many queries with ten filters as with none."""

    def __init__(self, data=None, *, fields):
        super().__init__(data)
        self.filter_fields = [field for field in fields if field.is_filterable]
        for field in self.filter_fields:
            name = field.form_name
            common = {"required": False}
            if field.kind in CustomField.CHOICE_KINDS:
                self.fields[name] = forms.ChoiceField(
                    label=field.label, choices=[("", "—"), *_choices(field, None)], **common
                )
            elif field.kind == Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=field.label,
                    choices=[("", "—"), (YES, _("Yes")), (NO, _("No"))],
                    **common,
                )
            elif field.kind == Kind.NUMBER:
                for suffix, label in (("from", _("%s (from)")), ("to", _("%s (up to)"))):
                    self.fields[f"{name}_{suffix}"] = forms.DecimalField(
                        label=label % field.label,
                        max_digits=services.NUMBER_MAX_DIGITS,
                        decimal_places=services.NUMBER_DECIMAL_PLACES,
                        localize=True,
                        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                        **common,
                    )
            else:
                for suffix, label in (("from", _("%s (from)")), ("to", _("%s (up to)"))):
                    self.fields[f"{name}_{suffix}"] = forms.DateField(
                        label=label % field.label, widget=DATE_WIDGET, **common
                    )

    @property
    def active(self) -> bool:
        """Whether a valid filter is set."""
        if not self.is_bound:
            return False
        self.is_valid()
        return any(value not in (None, "") for value in self.cleaned_data.values())

    def condition(self) -> Q:
        """A condition on the records' primary keys; an invalid filter is left out."""
        where = Q()
        if not self.is_bound:
            return where
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for field in self.filter_fields:
            name = field.form_name
            values = CustomValue.objects.filter(field=field)
            lookups = []
            if field.kind in CustomField.CHOICE_KINDS and data.get(name):
                lookups.append({"value_option": data[name]})
            elif field.kind == Kind.YES_NO and data.get(name):
                lookups.append({"value_bool": data[name] == YES})
            elif field.kind in (Kind.NUMBER, Kind.DATE):
                column = "value_number" if field.kind == Kind.NUMBER else "value_date"
                if data.get(f"{name}_from") is not None:
                    lookups.append({f"{column}__gte": data[f"{name}_from"]})
                if data.get(f"{name}_to") is not None:
                    lookups.append({f"{column}__lte": data[f"{name}_to"]})
            for lookup in lookups:
                values = values.filter(**lookup)
            if lookups:
                where &= Q(pk__in=values.values("object_id"))
        return where
