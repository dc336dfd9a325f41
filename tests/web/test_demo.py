import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from lien.accounts.models import Organisation, Role, User
from lien.casework.models import Appointment, JournalEntry, Procedure, Referral
from lien.people.models import Person
from lien.web.demo import DEMO_PASSWORD


def test_demo_data_loads_twice_without_duplicating(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")

    def counts():
        return tuple(
            model.objects.count()
            for model in (
                Organisation,
                User,
                Person,
                JournalEntry,
                Procedure,
                Referral,
                Appointment,
            )
        )

    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert all(first), first  # every kind of record has demo rows
    counts = first
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


def test_the_demo_social_worker_has_something_on_today(client, db, settings):
    from django.urls import reverse

    settings.DEMO_MODE = True
    call_command("load_demo")
    client.force_login(User.objects.get(email="as@habitat.example"))
    page = client.get(reverse("web:today"))
    assert page.context["my_procedures"]  # the 7-day bilan of the pathway, among others
    assert Appointment.objects.filter(workers__email="as@habitat.example").exists()
