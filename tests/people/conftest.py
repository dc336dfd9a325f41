import pytest

from lien.accounts.models import Role
from lien.people import services
from tests.factories import TeamFactory


@pytest.fixture
def create_person(social_worker, team):
    def create(by=None, team_=None, **data):
        data.setdefault("niss", "")
        return services.create_person(by=by or social_worker, team=team_ or team, data=data)

    return create


@pytest.fixture
def sw_client(client, social_worker):
    """The social worker's browser, in English so that messages can be read."""
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def other_team(organisation):
    return TeamFactory(organisation=organisation, name="Équipe Ribaucourt")


@pytest.fixture
def colleague_elsewhere(make_user, organisation, other_team):
    """A social worker of the same organisation whose team follows other people."""
    return make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])


@pytest.fixture
def stranger(make_user, other_organisation):
    """Someone of another organisation holding every role there."""
    team = TeamFactory(organisation=other_organisation)
    return make_user(*Role.values, organisation=other_organisation, teams=[team])


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return as_
