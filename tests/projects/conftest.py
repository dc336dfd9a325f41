import datetime

import pytest

from lien.accounts.models import Role
from lien.people import services as people_services
from lien.projects import services
from tests.factories import ALL_ROLES, TeamFactory

START = datetime.date(2026, 3, 4)
END = datetime.date(2026, 6, 24)


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def volunteer(make_user, organisation, team):
    return make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])


@pytest.fixture
def stranger(make_user, other_organisation):
    team = TeamFactory(organisation=other_organisation)
    return make_user(*ALL_ROLES, organisation=other_organisation, teams=[team])


@pytest.fixture
def project(social_worker, team):
    return services.create_project(
        by=social_worker,
        team=team,
        data={
            "title": "Foot du mercredi",
            "goals": "Se retrouver",
            "public": "Jeunes de 15 à 25 ans",
            "status": "running",
            "starts_on": START,
            "ends_on": END,
        },
    )


@pytest.fixture
def activity(social_worker, project):
    return services.add_activity(
        by=social_worker,
        project=project,
        data={"kind": "session", "date": datetime.date(2026, 3, 11), "place": "Parc"},
    )


@pytest.fixture
def person(social_worker, team):
    return people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )


@pytest.fixture
def other_person(social_worker, team):
    return people_services.create_person(
        by=social_worker, team=team, data={"first_name": "Aya", "last_name": "Benali", "niss": ""}
    )


@pytest.fixture
def hidden_person(make_user, organisation):
    """A person of another team of the same organisation: the social worker does not see them."""
    other_team = TeamFactory(organisation=organisation, name="Autre équipe")
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    return people_services.create_person(
        by=worker, team=other_team, data={"nickname": "Caché", "niss": ""}
    )
