import pytest

from lien.accounts.models import Role
from lien.customfields import services
from lien.customfields.models import CustomField
from lien.people import services as people_services
from tests.factories import TeamFactory


@pytest.fixture
def define(admin):
    """Define a person field as the organisation admin: define(kind, label, **data)."""

    def make(kind, label="Champ", *, by=None, **data):
        return services.define_field(
            by=by or admin,
            entity=CustomField.Entity.PERSON,
            kind=kind,
            data={"label": label, **data},
        )

    return make


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(
        Role.COORDINATOR, organisation=organisation, teams=[team], full_name="Cora Coordination"
    )


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(
        Role.HOUSE_MANAGER, organisation=organisation, teams=[team], full_name="Hugo Maison"
    )


@pytest.fixture
def other_team(organisation):
    return TeamFactory(organisation=organisation, name="Équipe Ribaucourt")


@pytest.fixture
def person(social_worker, team):
    return people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )


@pytest.fixture
def stranger(make_user, other_organisation):
    """Someone of another organisation holding every role there."""
    team = TeamFactory(organisation=other_organisation)
    return make_user(*Role.values, organisation=other_organisation, teams=[team])


@pytest.fixture
def login(client):
    def as_(user, language="en"):
        client.force_login(user)
        client.cookies["django_language"] = language
        return client

    return as_
