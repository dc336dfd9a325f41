"""Starting a presence once: the start form carries a token generated when it is shown, and
the same token sent again (a double tap, a retry after a network error, two at once) is the
presence it started."""

import re
import uuid

import pytest
from django.db import transaction
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach import services
from lien.outreach.models import Presence
from tests.factories import TeamFactory

START = reverse("outreach:presence_start")
TOKEN_RE = re.compile(r'name="client_token" value="([0-9a-f-]{36})"')


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _start_data(client, team, territory, place) -> dict:
    """The start form as shown, filled in: its own token, the team, neighbourhood, place."""
    page = client.get(START)
    (token,) = TOKEN_RE.findall(page.text)
    return {
        "client_token": token,
        "team": str(team.public_id),
        "territory": str(territory.public_id),
        "places": [str(place.public_id)],
    }


def test_the_start_form_carries_a_new_token_each_time(client, social_worker):
    client.force_login(social_worker)
    first, second = TOKEN_RE.findall(client.get(START).text + client.get(START).text)
    assert first != second


def test_the_same_start_sent_twice_starts_one_presence(
    client, social_worker, team, territory, place
):
    client.force_login(social_worker)
    data = _start_data(client, team, territory, place)
    first = client.post(START, data)
    second = client.post(START, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("outreach:encounter_new")
    presence = Presence.objects.get()
    assert str(presence.client_token) == data["client_token"]
    assert list(presence.places.all()) == [place]
    assert AuditEvent.objects.filter(action="presence.started").count() == 1
    # The page it leads to is the presence's: it is the one under way.
    assert client.get(second.url).context["current"] == presence


def test_a_retry_after_the_presence_was_ended_does_not_start_another(
    client, social_worker, team, territory, place
):
    client.force_login(social_worker)
    data = _start_data(client, team, territory, place)
    client.post(START, data)
    presence = Presence.objects.get()
    services.end_presence(by=social_worker, presence=presence)
    assert client.post(START, data).status_code == 302
    assert Presence.objects.count() == 1


def test_a_start_from_a_new_form_is_a_new_presence(client, social_worker, team, territory, place):
    """No time window: what tells a repeat from a new start is the form it came from."""
    client.force_login(social_worker)
    client.post(START, _start_data(client, team, territory, place))
    client.post(START, _start_data(client, team, territory, place))
    assert Presence.objects.filter(created_by=social_worker).count() == 2


def test_two_starts_at_once_make_one_presence_and_no_error(
    client, social_worker, team, territory, place, monkeypatch
):
    """The second request checks the token before the first one has written it, then hits the
    unique constraint: it answers with the first one's presence, in a transaction still usable."""
    client.force_login(social_worker)
    data = _start_data(client, team, territory, place)
    token = uuid.UUID(data["client_token"])
    other_request = services.start_presence(
        by=social_worker, team=team, territory=territory, places=[place], client_token=token
    )
    real = services._started_with
    calls = []

    def not_yet_written(by, client_token):
        calls.append(client_token)
        return None if len(calls) == 1 else real(by, client_token)

    monkeypatch.setattr(services, "_started_with", not_yet_written)
    with transaction.atomic():  # as a request's transaction would
        response = client.post(START, data)
        assert Presence.objects.count() == 1  # the transaction is still usable
    assert response.status_code == 302 and response.url == reverse("outreach:encounter_new")
    assert len(calls) == 2
    assert Presence.objects.get() == other_request
    assert AuditEvent.objects.filter(action="presence.started").count() == 1


def test_the_service_returns_the_presence_a_token_started(social_worker, team, territory, place):
    token = uuid.uuid4()
    first = services.start_presence(
        by=social_worker, team=team, territory=territory, places=[place], client_token=token
    )
    again = services.start_presence(
        by=social_worker, team=team, territory=None, places=[], client_token=token
    )
    assert again == first and again.territory == territory
    # Without a token (code, not the form), each call starts a presence.
    services.start_presence(by=social_worker, team=team, territory=territory)
    services.start_presence(by=social_worker, team=team, territory=territory)
    assert Presence.objects.count() == 3
    assert Presence.objects.filter(client_token__isnull=True).count() == 2


def test_a_token_of_another_organisation_is_not_theirs(
    client, make_user, other_organisation, social_worker, team, territory, place
):
    token = uuid.uuid4()
    ours = services.start_presence(
        by=social_worker, team=team, territory=territory, client_token=token
    )
    other_team = TeamFactory(organisation=other_organisation)
    stranger = make_user(Role.SOCIAL_WORKER, organisation=other_organisation, teams=[other_team])
    theirs = services.start_presence(
        by=stranger, team=other_team, territory=None, client_token=token
    )
    assert theirs != ours and theirs.organisation == other_organisation
    assert Presence.objects.filter(client_token=token).count() == 2


@pytest.mark.parametrize("token", [None, "", "not-a-uuid", "1" * 10_000])
def test_a_missing_or_malformed_token_starts_nothing_and_asks_again(
    client, social_worker, team, territory, place, token
):
    client.force_login(social_worker)
    data = _start_data(client, team, territory, place)
    if token is None:
        del data["client_token"]
    else:
        data["client_token"] = token
    response = client.post(START, data)
    assert response.status_code == 200 and not Presence.objects.exists()
    assert "This page was out of date" in response.text
    # What was chosen is kept, with a fresh token: "Go out" again starts the presence.
    form = response.context["form"]
    assert form["territory"].value() == str(territory.public_id)
    (fresh,) = TOKEN_RE.findall(response.text)
    assert client.post(START, {**data, "client_token": fresh}).status_code == 302
    assert str(Presence.objects.get().client_token) == fresh


def test_presences_without_a_token_may_be_many(organisation, team, territory, social_worker):
    """Presences started before the token existed have none: the constraint lets them be."""
    for _ in range(2):
        Presence.objects.create(
            organisation=organisation,
            team=team,
            territory=territory,
            date="2025-01-01",
            started_at="2025-01-01T10:00:00Z",
            created_by=social_worker,
        )
    assert Presence.objects.filter(client_token__isnull=True).count() == 2


def test_starting_costs_bounded_queries(
    client, social_worker, team, territory, place, django_assert_max_num_queries
):
    client.force_login(social_worker)
    with django_assert_max_num_queries(12):
        data = _start_data(client, team, territory, place)
    # The form, the token looked up, the presence, its workers and places, the audit event.
    with django_assert_max_num_queries(20):
        assert client.post(START, data).status_code == 302
    # A repeat writes nothing.
    with django_assert_max_num_queries(10):
        assert client.post(START, data).status_code == 302
