import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lien.accounts.models import Role
from tests.casework.agenda_helpers import UTC, make_appointment
from tests.factories import TeamFactory


def agenda(client, day: str | None = None, *, view: str = "casework:agenda"):
    return client.get(reverse(view), {"day": day} if day else {})


def titles_by_day(response) -> dict[str, list[str]]:
    return {
        d["date"].isoformat(): [a.title for a in d["appointments"]]
        for d in response.context["days"]
        if d["appointments"]
    }


@pytest.fixture
def sw_client(client, social_worker):
    client.force_login(social_worker)
    return client


def test_the_week_starts_on_monday_and_shows_brussels_times(sw_client, social_worker, person):
    # Wednesday 4 March 2026, 08:30 UTC = 09:30 in Brussels (winter time).
    make_appointment(
        by=social_worker,
        person=person,
        starts_at=datetime.datetime(2026, 3, 4, 8, 30, tzinfo=UTC),
        title="CPAS",
    )
    response = agenda(sw_client, "2026-03-06")
    assert response.status_code == 200
    assert response.context["first"] == datetime.date(2026, 3, 2)
    assert titles_by_day(response) == {"2026-03-04": ["CPAS"]}
    body = response.content.decode()
    assert "09:30" in body and "08:30" not in body
    assert "?day=2026-02-23" in body and "?day=2026-03-09" in body  # previous and next week
    assert person.display_name.replace("«", "&laquo;") in body or "Momo" in body


def test_the_day_view_shows_one_day_with_links_to_the_days_around(sw_client, social_worker):
    for day in (3, 4, 5):
        make_appointment(
            by=social_worker,
            starts_at=datetime.datetime(2026, 3, day, 10, tzinfo=UTC),
            title=f"Jour {day}",
        )
    response = agenda(sw_client, "2026-03-04", view="casework:agenda_day")
    assert titles_by_day(response) == {"2026-03-04": ["Jour 4"]}
    body = response.content.decode()
    assert "?day=2026-03-03" in body and "?day=2026-03-05" in body


def test_the_week_of_the_spring_clock_change_keeps_brussels_midnights(sw_client, social_worker):
    # Summer time starts on Sunday 29 March 2026 at 02:00 (UTC+1 → UTC+2).
    local = timezone.get_current_timezone()

    def at(y, m, d, h, mi):
        return datetime.datetime(y, m, d, h, mi, tzinfo=local)

    cases = {
        "monday-first-minutes": at(2026, 3, 23, 0, 15),  # 22 March 23:15 UTC
        "sunday-after-midnight": at(2026, 3, 29, 0, 30),  # 28 March 23:30 UTC
        "sunday-after-the-change": at(2026, 3, 29, 10, 0),  # 08:00 UTC
        "next-monday": at(2026, 3, 30, 0, 30),  # 29 March 22:30 UTC: next week
        "sunday-before": at(2026, 3, 22, 23, 30),  # previous week
    }
    for title, starts_at in cases.items():
        make_appointment(by=social_worker, starts_at=starts_at, title=title, hours=0.25)
    response = agenda(sw_client, "2026-03-25")
    assert titles_by_day(response) == {
        "2026-03-23": ["monday-first-minutes"],
        "2026-03-29": ["sunday-after-midnight", "sunday-after-the-change"],
    }
    body = response.content.decode()
    assert "10:00" in body and "00:30" in body
    assert titles_by_day(agenda(sw_client, "2026-03-30"))["2026-03-30"] == ["next-monday"]


def test_the_week_of_the_autumn_clock_change_keeps_brussels_midnights(sw_client, social_worker):
    # Winter time comes back on Sunday 25 October 2026 at 03:00 (UTC+2 → UTC+1).
    cases = {
        "sunday-noon": datetime.datetime(2026, 10, 25, 11, 0, tzinfo=UTC),  # 12:00 local
        "sunday-late": datetime.datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 23:30 local
        "next-monday": datetime.datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 26 Oct 00:30
        "monday-start": datetime.datetime(2026, 10, 18, 22, 15, tzinfo=UTC),  # 19 Oct 00:15
    }
    for title, starts_at in cases.items():
        make_appointment(by=social_worker, starts_at=starts_at, title=title, hours=0.25)
    response = agenda(sw_client, "2026-10-21")
    assert response.context["first"] == datetime.date(2026, 10, 19)
    assert titles_by_day(response) == {
        "2026-10-19": ["monday-start"],
        "2026-10-25": ["sunday-noon", "sunday-late"],
    }
    body = response.content.decode()
    assert "12:00" in body and "23:30" in body and "00:15" in body
    nxt = agenda(sw_client, "2026-10-26")
    assert titles_by_day(nxt) == {"2026-10-26": ["next-monday"]}


def test_the_night_of_the_autumn_change_shows_both_half_past_twos(sw_client, social_worker):
    # 02:30 happens twice on 25 October 2026: 00:30 UTC (summer) and 01:30 UTC (winter).
    make_appointment(
        by=social_worker, starts_at=datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), hours=0.5
    )
    make_appointment(
        by=social_worker, starts_at=datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), hours=0.5
    )
    response = agenda(sw_client, "2026-10-25", view="casework:agenda_day")
    assert response.content.decode().count(">02:30</time>") == 2


@pytest.mark.parametrize(
    "day", ["2026-13-45", "20000-01-01", "demain", "1999-12-31", "2101-01-01", "2026-1-5", "' OR 1"]
)
def test_an_unreadable_or_out_of_range_day_shows_today_with_a_message(sw_client, day):
    for view in ("casework:agenda", "casework:agenda_day"):
        response = agenda(sw_client, day, view=view)
        assert response.status_code == 200
        assert response.context["day_error"]
        assert response.context["day"] == timezone.localdate()
        assert escape(response.context["day_error"]) in response.content.decode()


def test_the_edges_of_the_calendar_have_no_link_beyond(sw_client):
    first = agenda(sw_client, "2000-01-01", view="casework:agenda_day")
    assert first.context["previous"] is None and first.context["next"]
    last = agenda(sw_client, "2100-12-31")
    assert last.context["next"] is None and last.context["previous"]


def test_the_agenda_lists_only_what_the_user_attends(
    sw_client, social_worker, make_user, organisation, team
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    start = datetime.datetime(2026, 3, 4, 9, tzinfo=UTC)
    make_appointment(by=social_worker, starts_at=start, title="Mine")
    make_appointment(
        by=colleague, starts_at=start, title="Ours", workers=[colleague, social_worker]
    )
    make_appointment(by=colleague, starts_at=start, title="Theirs", workers=[colleague])
    cancelled = make_appointment(by=social_worker, starts_at=start, title="Cancelled")
    cancelled.status = "cancelled"
    cancelled.save()
    response = agenda(sw_client, "2026-03-04")
    assert sorted(titles_by_day(response)["2026-03-04"]) == ["Cancelled", "Mine", "Ours"]


def test_a_person_the_user_does_not_see_is_not_named(
    client, make_user, organisation, social_worker, person
):
    other_team = TeamFactory(organisation=organisation)
    outsider = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    make_appointment(
        by=social_worker,
        person=person,
        starts_at=datetime.datetime(2026, 3, 4, 9, tzinfo=UTC),
        workers=[outsider],
    )
    client.force_login(outsider)
    client.cookies["django_language"] = "en"
    body = agenda(client, "2026-03-04").content.decode()
    assert "Momo" not in body
    assert "a person your teams do not follow" in body


def test_a_house_manager_sees_their_agenda_without_edit_links(
    client, make_user, organisation, team, social_worker, person
):
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    appointment = make_appointment(
        by=social_worker,
        person=person,
        starts_at=datetime.datetime(2026, 3, 4, 9, tzinfo=UTC),
        workers=[social_worker, manager],
        title="Visite logement",
    )
    client.force_login(manager)
    response = agenda(client, "2026-03-04")
    body = response.content.decode()
    assert "Visite logement" in body
    assert reverse("casework:appointment_edit", args=[appointment.public_id]) not in body
    assert reverse("casework:appointment_create") not in body


def test_the_agenda_costs_the_same_queries_for_one_or_forty_appointments(
    sw_client, social_worker, person, make_user, organisation, team, django_assert_max_num_queries
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    start = datetime.datetime(2026, 3, 2, 8, tzinfo=UTC)
    make_appointment(by=social_worker, person=person, starts_at=start)
    url = reverse("casework:agenda")
    sw_client.get(url, {"day": "2026-03-02"})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert sw_client.get(url, {"day": "2026-03-02"}).status_code == 200
        return len(ctx)

    few = count()
    for n in range(40):
        make_appointment(
            by=social_worker,
            person=person,
            starts_at=start + datetime.timedelta(hours=3 * n),
            workers=[social_worker, colleague],
        )
    assert count() == few
    with django_assert_max_num_queries(8):
        sw_client.get(url, {"day": "2026-03-02"})


def test_the_navigation_offers_the_agenda_and_the_calendar_link(sw_client):
    body = sw_client.get(reverse("web:today")).content.decode()
    assert reverse("casework:agenda") in body
    assert reverse("casework:calendar_link") in body
