import pytest

from lien.accounts.models import Role
from lien.partners import services


@pytest.fixture
def make_partner(social_worker):
    def make(by=None, **data):
        data.setdefault("name", "CPAS de Molenbeek")
        return services.create_partner(by=by or social_worker, data=data)

    return make


@pytest.fixture
def partner(make_partner):
    return make_partner(
        name="Maison médicale Le Canal",
        sector="health",
        commune="Molenbeek-Saint-Jean",
        postcode="1080",
        languages="FR, NL, arabe",
        services="Consultations de médecine générale sans rendez-vous",
    )


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])


@pytest.fixture
def analyst(make_user, organisation):
    """Same organisation, no partner right at all."""
    return make_user(Role.ANALYST, organisation=organisation)


@pytest.fixture
def stranger(make_user, other_organisation):
    """Every role, in another organisation."""
    return make_user(
        Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HOUSE_MANAGER, organisation=other_organisation
    )


@pytest.fixture
def sw_client(client, social_worker):
    client.force_login(social_worker)
    return client
