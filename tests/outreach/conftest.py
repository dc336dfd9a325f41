import pytest

from lien.accounts.models import Role
from lien.outreach import services
from lien.outreach.models import Place, Territory
from lien.outreach.vocabulary import seed_vocabulary
from lien.people.services import create_person


@pytest.fixture
def territory(organisation):
    return Territory.objects.create(
        organisation=organisation, name_fr="Gare de l'Ouest", name_nl="Weststation"
    )


@pytest.fixture
def place(organisation, territory):
    return Place.objects.create(
        organisation=organisation, territory=territory, name="Parc Marie-José", kind="park"
    )


@pytest.fixture
def themes(organisation):
    seed_vocabulary(organisation=organisation)
    from lien.outreach.models import Theme

    return {theme.code: theme for theme in Theme.objects.filter(organisation=organisation)}


@pytest.fixture
def volunteer(make_user, organisation, team):
    return make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])


@pytest.fixture
def analyst(make_user, organisation, team):
    return make_user(Role.ANALYST, organisation=organisation, teams=[team])


@pytest.fixture
def presence(social_worker, team, territory, place):
    return services.start_presence(by=social_worker, team=team, territory=territory, places=[place])


@pytest.fixture
def momo(social_worker, team):
    """Followed by the team, known by a nickname and a full name (street work names them by
    the nickname)."""
    return create_person(
        by=social_worker,
        team=team,
        data={"nickname": "Momo", "first_name": "Mohamed", "last_name": "El Idrissi"},
    )


@pytest.fixture
def lina(social_worker, team):
    """Followed by the team, with a first and last name and no nickname."""
    return create_person(
        by=social_worker, team=team, data={"first_name": "Lina", "last_name": "Benali"}
    )
