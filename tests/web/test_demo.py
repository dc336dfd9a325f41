import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from lien.accounts.models import Organisation, Role, User
from lien.people.models import Person
from lien.web.demo import DEMO_PASSWORD


def test_demo_data_loads_twice_without_duplicating(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Person.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), User.objects.count(), Person.objects.count()) == counts
    assert counts[0] == 2
    for org in Organisation.objects.all():
        roles = set(
            User.objects.filter(organisation=org).values_list("memberships__role", flat=True)
        )
        assert roles == {r.value for r in Role}, org
    assert User.objects.get(email="educ@rue.example").check_password(DEMO_PASSWORD)


def test_demo_data_is_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        call_command("load_demo")
    assert not User.objects.exists()
