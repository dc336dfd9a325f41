import datetime
import re

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services_appointments as services
from lien.casework.models import CalendarFeedToken
from lien.partners.models import Partner
from tests.casework.agenda_helpers import HOUR, make_appointment
from tests.factories import ALL_ROLES, TeamFactory

DAY = datetime.timedelta(days=1)


def feed_url(token: str) -> str:
    return reverse("casework:calendar_feed", args=[token])


def read(client, token: str):
    """Read the feed as a calendar application would, past the 10-second spacing."""
    CalendarFeedToken.objects.update(last_read_at=None)
    return client.get(feed_url(token))


def token_of(response) -> str:
    match = re.search(r"/casework/calendar/([A-Za-z0-9_-]+)\.ics", response.content.decode())
    assert match, "the page shows the new address"
    return match.group(1)


@pytest.fixture
def sw_client(client, social_worker):
    client.force_login(social_worker)
    return client


# The calendar-link page.


def test_a_user_creates_a_link_shown_once_and_stored_hashed(sw_client, social_worker):
    page = sw_client.get(reverse("casework:calendar_link"))
    assert page.status_code == 200 and page.context["active"] is None
    assert (page.context["past_days"], page.context["future_days"]) == (30, 180)
    response = sw_client.post(reverse("casework:calendar_link"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    token = token_of(response)
    feed = CalendarFeedToken.objects.get()
    assert feed.user == social_worker and feed.revoked_at is None
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    assert feed.token_hash == services.hash_feed_token(token)
    assert AuditEvent.objects.filter(action="calendar_feed.created", actor=social_worker).exists()
    # Shown once: the page no longer has it.
    again = sw_client.get(reverse("casework:calendar_link")).content.decode()
    assert token not in again and again.count("/casework/calendar/") == 0


def test_a_new_link_replaces_the_old_one(client, sw_client, social_worker):
    first = token_of(sw_client.post(reverse("casework:calendar_link")))
    second = token_of(sw_client.post(reverse("casework:calendar_link")))
    assert first != second
    assert read(client, first).status_code == 404
    assert read(client, second).status_code == 200
    assert CalendarFeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_revoking_stops_the_link_at_once_and_is_audited(client, sw_client, social_worker):
    token = token_of(sw_client.post(reverse("casework:calendar_link")))
    assert read(client, token).status_code == 200
    response = sw_client.post(reverse("casework:calendar_link_revoke"))
    assert response.status_code == 302
    assert read(client, token).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed.revoked").count() == 1
    assert sw_client.get(reverse("casework:calendar_link_revoke")).status_code == 405


def test_roles_without_appointments_have_no_calendar_link(client, make_user, organisation):
    for role in (Role.ADMIN, Role.ANALYST, Role.FIELD_VOLUNTEER):
        client.force_login(make_user(role, organisation=organisation))
        assert client.get(reverse("casework:calendar_link")).status_code == 403
        assert client.post(reverse("casework:calendar_link")).status_code == 403
    assert not CalendarFeedToken.objects.exists()


# The feed.


@pytest.fixture
def feed_token(social_worker):
    return services.create_calendar_feed(by=social_worker)[1]


def test_the_feed_holds_times_and_a_link_but_nothing_sensitive(
    client, social_worker, person, organisation, feed_token
):
    partner = Partner.objects.create(organisation=organisation, name="Clinique Sans-Souci")
    starts_at = timezone.now().replace(microsecond=0) + 2 * DAY
    make_appointment(
        by=social_worker,
        person=person,
        partner=partner,
        starts_at=starts_at,
        title="Psychiatre Dr Vermeulen",
        place="Rue de la Santé 12",
        note="Parle de ses dettes",
    )
    # The feed has no session: it speaks its owner's language.
    type(social_worker).objects.filter(pk=social_worker.pk).update(language="en")
    response = read(client, feed_token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for secret in ("Momo", "Psychiatre", "Vermeulen", "Santé", "dettes", "Sans-Souci", "Sam"):
        assert secret not in body, secret
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Appointment (Lien)"
    assert event.decoded("DTSTART") == starts_at
    assert event.decoded("DTEND") == starts_at + HOUR
    local_day = timezone.localtime(starts_at).date().isoformat()
    assert str(event["URL"]).endswith(f"/casework/agenda/day/?day={local_day}")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_feed_covers_30_days_back_and_180_ahead_of_what_the_user_attends(
    client, social_worker, make_user, organisation, team, feed_token
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    now = timezone.now()
    inside = [
        make_appointment(by=social_worker, starts_at=now - 29 * DAY),
        make_appointment(by=social_worker, starts_at=now + 179 * DAY),
    ]
    cancelled = make_appointment(by=social_worker, starts_at=now + DAY)
    services.set_appointment_status(
        by=social_worker, appointment=cancelled, status="cancelled", version=cancelled.version
    )
    make_appointment(by=social_worker, starts_at=now - 31 * DAY)
    make_appointment(by=social_worker, starts_at=now + 181 * DAY)
    make_appointment(by=colleague, starts_at=now + DAY, workers=[colleague])
    calendar = icalendar.Calendar.from_ical(read(client, feed_token).content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    expected = {f"{a.public_id}@lien" for a in [*inside, cancelled]}
    assert set(events) == expected
    assert str(events[f"{cancelled.public_id}@lien"]["STATUS"]) == "CANCELLED"


def test_unknown_revoked_or_malformed_tokens_get_404(client, social_worker, feed_token):
    assert read(client, "not-a-token").status_code == 404
    assert read(client, "x" * 500).status_code == 404
    assert read(client, feed_token[:-1]).status_code == 404
    services.revoke_calendar_feed(by=social_worker)
    assert read(client, feed_token).status_code == 404


def test_a_deactivated_user_or_one_without_the_right_gets_404(client, social_worker, feed_token):
    social_worker.is_active = False
    social_worker.save()
    assert read(client, feed_token).status_code == 404
    social_worker.is_active = True
    social_worker.save()
    assert read(client, feed_token).status_code == 200
    social_worker.memberships.update(role=Role.ANALYST)
    assert read(client, feed_token).status_code == 404


def test_another_organisation_never_appears_in_a_feed(
    client, social_worker, person, make_user, other_organisation
):
    stranger = make_user(
        *ALL_ROLES,
        organisation=other_organisation,
        teams=[TeamFactory(organisation=other_organisation)],
    )
    appointment = make_appointment(by=social_worker, person=person, starts_at=timezone.now())
    appointment.workers.add(stranger)  # impossible through the forms; the feed holds anyway
    token = services.create_calendar_feed(by=stranger)[1]
    calendar = icalendar.Calendar.from_ical(read(client, token).content)
    assert calendar.walk("VEVENT") == []


def test_a_link_whose_user_changed_organisation_gets_404(
    client, social_worker, other_organisation, feed_token
):
    social_worker.organisation = other_organisation
    social_worker.save()
    assert read(client, feed_token).status_code == 404


def test_the_feed_needs_no_login_but_only_get(client, feed_token):
    assert client.post(feed_url(feed_token)).status_code == 405


def test_reads_closer_than_ten_seconds_are_refused(client, feed_token):
    assert read(client, feed_token).status_code == 200
    too_soon = client.get(feed_url(feed_token))
    assert too_soon.status_code == 429
    assert too_soon["Retry-After"] == "10"
    CalendarFeedToken.objects.update(last_read_at=timezone.now() - datetime.timedelta(seconds=11))
    assert client.get(feed_url(feed_token)).status_code == 200


def test_reads_are_audited_at_most_once_an_hour(client, social_worker, feed_token):
    for _ in range(3):
        assert read(client, feed_token).status_code == 200
    assert AuditEvent.objects.filter(action="calendar_feed.read").count() == 1
    CalendarFeedToken.objects.update(last_audited_at=timezone.now() - 2 * HOUR)
    read(client, feed_token)
    events = AuditEvent.objects.filter(action="calendar_feed.read")
    assert events.count() == 2
    assert {e.actor for e in events} == {social_worker}


def test_the_feed_costs_the_same_queries_for_one_or_fifty_appointments(
    client, social_worker, person, feed_token, django_assert_max_num_queries
):
    make_appointment(by=social_worker, person=person, starts_at=timezone.now() + DAY)
    read(client, feed_token)  # audited once; later reads are not

    def count():
        CalendarFeedToken.objects.update(last_read_at=None)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(feed_url(feed_token)).status_code == 200
        return len(ctx)

    few = count()
    for n in range(50):
        make_appointment(by=social_worker, person=person, starts_at=timezone.now() + n * HOUR)
    assert count() == few
    CalendarFeedToken.objects.update(last_read_at=None)
    with django_assert_max_num_queries(6):
        client.get(feed_url(feed_token))
