import datetime

import pytest

from lien.accounts.models import Role
from lien.teamwork import services


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(
        Role.COORDINATOR, organisation=organisation, teams=[team], full_name="Cora Coordinator"
    )


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(
        Role.HOUSE_MANAGER, organisation=organisation, teams=[team], full_name="Hugo House"
    )


@pytest.fixture
def meeting(coordinator, social_worker, team):
    return services.create_meeting(
        by=coordinator,
        team=team,
        data={"held_on": datetime.date(2026, 1, 6), "agenda": "Tour", "minutes": "Momo va mieux"},
        attendees=[coordinator, social_worker],
        decisions=["Visite mardi"],
    )


@pytest.fixture
def stranger(make_user, other_organisation):
    """Every role, in another organisation."""
    return make_user(
        Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HOUSE_MANAGER, organisation=other_organisation
    )
