import datetime

from django.core.management import call_command

from lien.customfields.models import CustomField, CustomValue
from lien.customfields.values import read_values
from lien.people.models import Person
from lien.web.demo import DEMO_CUSTOM_FIELDS


def test_the_demo_organisations_get_their_custom_fields_and_values_once(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    values = CustomValue.objects.count()
    call_command("load_demo")
    assert CustomField.objects.count() == sum(len(f) for f in DEMO_CUSTOM_FIELDS.values())
    assert CustomValue.objects.count() == values > 0
    neighbourhood = CustomField.objects.get(label="Quartier de rencontre")
    assert neighbourhood.organisation.kind == "street_work"
    assert "Heyvaert" in neighbourhood.options
    entry = CustomField.objects.get(label="Date d'entrée dans la maison")
    assert (entry.organisation.kind, entry.kind) == ("cohousing", "date")
    resident = Person.objects.get(first_name="Jean-Pierre")
    assert read_values([entry], [resident.pk]) == {
        resident.pk: {entry.pk: datetime.date(2025, 9, 15)}
    }
