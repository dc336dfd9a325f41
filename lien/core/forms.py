from django import forms
from django.core.exceptions import FieldDoesNotExist


class PublicIdChoicesMixin:
    """For a ModelForm whose selects name records by their public id (`to_field_name`).

    Django gives the initial value of an edited record's foreign key as a primary key, which no
    option of such a select carries: the form showed no record chosen (or its first option), and
    saving it unchanged cleared, or changed, the record it named. The record itself is given
    instead; the field names it by its public id.
    """

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        if value is None or not (isinstance(field, forms.ModelChoiceField) and field.to_field_name):
            return value
        try:
            model_field = self.instance._meta.get_field(field_name)
        except FieldDoesNotExist:
            return value
        if model_field.many_to_one and value == getattr(self.instance, model_field.attname):
            return getattr(self.instance, field_name)
        return value
