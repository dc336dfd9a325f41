"""Daily counters: configuration, a team's counts of the day with + and −, conflicts, bad
input, the 30-day table, who sees what."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach import services_counters as services
from lien.outreach.models import CounterType, DailyCount
from tests.factories import TeamFactory

PAGE = reverse("outreach:counters")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def showers(coordinator):
    return services.define_counter(by=coordinator, data={"label_fr": "Douches"})


@pytest.fixture
def coffees(coordinator):
    return services.define_counter(
        by=coordinator, data={"label_fr": "Cafés", "label_en": "Coffees", "position": 1}
    )


def _day_url(team, day=None):
    day = day or timezone.localdate()
    return f"{PAGE}?team={team.public_id}&day={day.isoformat()}"


def _values(showers, coffees, s, c, vs=0, vc=0, **extra):
    return {
        f"c_{showers.public_id}": str(s),
        f"c_{coffees.public_id}": str(c),
        f"v_{showers.public_id}": str(vs),
        f"v_{coffees.public_id}": str(vc),
        **extra,
    }


def test_an_admin_configures_counters(client, admin, team):
    client.force_login(admin)
    response = client.post(
        reverse("outreach:counter_type_create"),
        {"label_fr": "Appels", "label_nl": "Oproepen", "team": str(team.public_id), "position": 2},
    )
    assert response.status_code == 302
    counter = CounterType.objects.get()
    assert (counter.label_fr, counter.team) == ("Appels", team)
    edit = reverse("outreach:counter_type_edit", args=[counter.public_id])
    client.post(edit, {"label_fr": "Appels passés", "position": 2, "version": 1})
    response = client.post(edit, {"label_fr": "Stale", "position": 2, "version": 1})
    assert response.status_code == 409
    counter.refresh_from_db()
    assert counter.label_fr == "Appels passés" and counter.team is None
    client.post(reverse("outreach:counter_type_archive", args=[counter.public_id]))
    counter.refresh_from_db()
    assert counter.archived_at is not None
    assert AuditEvent.objects.filter(action__startswith="counter.").count() == 3


def test_a_counter_needs_a_french_label(client, admin):
    client.force_login(admin)
    response = client.post(reverse("outreach:counter_type_create"), {"label_fr": "  "})
    assert response.status_code == 200
    assert not CounterType.objects.exists()


def test_a_worker_enters_today_s_counts_and_steps_them(
    client, social_worker, team, showers, coffees
):
    client.force_login(social_worker)
    response = client.get(PAGE)
    assert [counter for counter, _field in response.context["form"].rows()] == [showers, coffees]
    response = client.post(_day_url(team), _values(showers, coffees, 4, 10))
    assert response.status_code == 302
    assert DailyCount.objects.get(counter=showers).count == 4
    # + on coffees: saves what is typed, then adds one.
    row = DailyCount.objects.get(counter=coffees)
    client.post(
        _day_url(team),
        _values(showers, coffees, 4, 10, 1, row.version, step=f"{coffees.public_id}:1"),
    )
    assert DailyCount.objects.get(counter=coffees).count == 11
    row = DailyCount.objects.get(counter=showers)
    response = client.post(
        _day_url(team),
        _values(showers, coffees, 4, 11, row.version, 2, step=f"{showers.public_id}:-1"),
    )
    assert response.url.endswith(f"#counter-{showers.public_id}")
    assert DailyCount.objects.get(counter=showers).count == 3
    assert DailyCount.objects.filter(team=team).count() == 2  # one row per team, day, counter
    assert AuditEvent.objects.filter(action="daily_count.changed").count() == 4


def test_a_minus_at_zero_changes_nothing(social_worker, team, showers):
    today = timezone.localdate()
    assert (
        services.step_count(by=social_worker, team=team, day=today, counter=showers, delta=-1)
        is None
    )
    assert not DailyCount.objects.exists()


def test_a_colleague_s_change_meanwhile_is_a_409_and_nothing_is_written(
    client, social_worker, make_user, organisation, team, showers, coffees
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    today = timezone.localdate()
    services.step_count(by=colleague, team=team, day=today, counter=showers, delta=1)
    client.force_login(social_worker)
    # The form was opened before the colleague's tap: version 0 for showers.
    response = client.post(_day_url(team), _values(showers, coffees, 7, 2))
    assert response.status_code == 409
    assert DailyCount.objects.get(counter=showers).count == 1
    assert not DailyCount.objects.filter(counter=coffees).exists()
    assert "7" in str(response.context["typed"])


@pytest.mark.parametrize("bad", ["-1", "abc", "1e9", "100001"])
def test_bad_counts_are_form_errors(client, social_worker, team, showers, coffees, bad):
    client.force_login(social_worker)
    response = client.post(_day_url(team), _values(showers, coffees, bad, 1))
    assert response.status_code == 200
    assert f"c_{showers.public_id}" in response.context["form"].errors
    assert not DailyCount.objects.exists()


def test_an_absurd_count_asks_for_confirmation(
    client, social_worker, team, showers, coffees, settings
):
    settings.LIEN_OUTREACH_MAX_COUNT = 50
    client.force_login(social_worker)
    response = client.post(_day_url(team), _values(showers, coffees, 500, 1))
    assert "confirm_large" in response.context["form"].errors
    assert not DailyCount.objects.exists()
    client.post(_day_url(team), _values(showers, coffees, 500, 1, confirm_large="on"))
    assert DailyCount.objects.get(counter=showers).count == 500


def test_a_future_day_is_refused(client, social_worker, team, showers, coffees):
    client.force_login(social_worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get(_day_url(team, tomorrow))
    assert response.context["day"] == timezone.localdate()
    assert response.context["day_error"]
    client.post(_day_url(team, tomorrow), _values(showers, coffees, 3, 3))
    assert not DailyCount.objects.exists()
    response = client.get(f"{PAGE}?team={team.public_id}&day=2026-02-30")
    assert response.status_code == 200 and response.context["day_error"]


def test_a_past_day_within_a_month_can_be_corrected(client, social_worker, team, showers, coffees):
    client.force_login(social_worker)
    day = timezone.localdate() - datetime.timedelta(days=3)
    client.post(_day_url(team, day), _values(showers, coffees, 2, 0))
    assert DailyCount.objects.get().day == day


def test_a_volunteer_counts_and_the_team_sees_the_last_30_days(
    client, volunteer, team, showers, coffees
):
    today = timezone.localdate()
    for days_ago, count in ((0, 3), (5, 4), (40, 9)):
        day = today - datetime.timedelta(days=days_ago)
        DailyCount.objects.create(
            organisation=team.organisation, team=team, counter=showers, day=day, count=count
        )
    client.force_login(volunteer)
    response = client.get(PAGE)
    assert response.context["can_count"]
    assert response.context["period_total"] == 7  # 40 days ago is out of the table
    assert len(response.context["table"]) == 30
    assert "<svg" in response.text


def test_other_teams_and_organisations_do_not_see_the_counts(
    client, make_user, organisation, other_organisation, team, showers, social_worker
):
    services.step_count(
        by=social_worker, team=team, day=timezone.localdate(), counter=showers, delta=1
    )
    outsider_team = TeamFactory(organisation=organisation)
    outsider = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[outsider_team])
    client.force_login(outsider)
    assert client.get(f"{PAGE}?team={team.public_id}").status_code == 404
    response = client.get(PAGE)
    assert response.context["team"] == outsider_team
    assert response.context["period_total"] == 0
    client.force_login(make_user(Role.COORDINATOR, organisation=other_organisation))
    edit = reverse("outreach:counter_type_edit", args=[showers.public_id])
    assert client.get(edit).status_code == 404


def test_a_counter_of_another_team_cannot_be_counted(
    coordinator, social_worker, organisation, team
):
    elsewhere = TeamFactory(organisation=organisation)
    theirs = services.define_counter(by=coordinator, data={"label_fr": "Repas", "team": elsewhere})
    with pytest.raises(Exception) as excinfo:
        services.step_count(
            by=social_worker, team=team, day=timezone.localdate(), counter=theirs, delta=1
        )
    assert excinfo.type.__name__ == "PermissionDenied"


@pytest.mark.parametrize("days", [3, 25])
def test_the_page_costs_a_fixed_number_of_queries(
    client, social_worker, team, showers, coffees, days, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(days):
        for counter in (showers, coffees):
            DailyCount.objects.create(
                organisation=team.organisation,
                team=team,
                counter=counter,
                day=today - datetime.timedelta(days=n),
                count=n + 1,
            )
    client.force_login(social_worker)
    client.get(PAGE)
    with django_assert_max_num_queries(12):
        assert client.get(PAGE).status_code == 200


# ?team=: one of the user's teams, or 404.


def _as_read(html: str) -> str:
    """A page as the reader sees it: CSP nonces and masked CSRF tokens change with every
    response."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_team_of_another_organisation_is_indistinguishable_from_none(
    client, make_user, other_organisation, team, showers, social_worker
):
    services.step_count(
        by=social_worker, team=team, day=timezone.localdate(), counter=showers, delta=1
    )
    other_team = TeamFactory(organisation=other_organisation)
    client.force_login(
        make_user(Role.SOCIAL_WORKER, organisation=other_organisation, teams=[other_team])
    )
    nobody = uuid.uuid4()
    theirs = client.get(f"{PAGE}?team={team.public_id}")
    nobodys = client.get(f"{PAGE}?team={nobody}")
    assert theirs.status_code == nobodys.status_code == 404
    # The same page but for the address asked (the language switch returns to it).
    assert _as_read(theirs.text).replace(str(team.public_id), "ID") == _as_read(
        nobodys.text
    ).replace(str(nobody), "ID")
    assert team.name not in theirs.text
    # Counting for it is refused the same way, and writes nothing.
    posted = client.post(_day_url(team), {f"c_{showers.public_id}": "5", "step": ""})
    assert posted.status_code == 404
    assert DailyCount.objects.get(counter=showers).count == 1


@pytest.mark.parametrize(
    "raw", ["not-a-uuid", "1", "x" * 1000, "<script>alert(1)</script>", "../", "0" * 31]
)
def test_a_malformed_team_is_not_found(client, social_worker, team, showers, raw):
    client.force_login(social_worker)
    assert client.get(PAGE, {"team": raw}).status_code == 404
    assert client.post(f"{PAGE}?team={raw}", {f"c_{showers.public_id}": "1"}).status_code == 404
    assert not DailyCount.objects.exists()


def test_an_archived_team_of_mine_is_not_found(client, make_user, organisation, team):
    archived = TeamFactory(organisation=organisation, archived_at=timezone.now())
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, archived])
    client.force_login(worker)
    assert client.get(PAGE, {"team": str(archived.public_id)}).status_code == 404
    assert client.get(PAGE).context["team"] == team


def test_each_of_my_teams_is_shown_when_asked(
    client, make_user, organisation, team, django_assert_max_num_queries
):
    second = TeamFactory(organisation=organisation, name="Zèbre")
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, second])
    client.force_login(worker)
    client.get(PAGE)
    with django_assert_max_num_queries(12):
        response = client.get(PAGE, {"team": str(second.public_id)})
    assert response.context["team"] == second
    assert client.get(PAGE, {"team": str(team.public_id).upper()}).context["team"] == team
    # Without ?team= (or with it empty), the first of my teams.
    assert client.get(PAGE).context["team"] == client.get(PAGE, {"team": ""}).context["team"]
