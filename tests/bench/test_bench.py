import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import F

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership, User
from lien.audit.models import AuditEvent
from lien.audit.services import ACTIONS
from lien.bench import database, generator, runner, street
from lien.bench.scenarios import PERSON_SEARCH_QUERY, SCENARIOS, Request, Scenario
from lien.casework.models import FollowUp, JournalEntry, Procedure, Referral
from lien.core import crypto
from lien.people import matching
from lien.people.models import Person, PersonSearchKey
from tests.conftest import TEST_BLIND_KEY, TEST_KEYS

SQLITE_MAIN = {
    "ENGINE": database.SQLITE,
    "NAME": "/srv/lien/var/lien.sqlite3",
    "USER": "",
    "PASSWORD": "",
    "HOST": "",
    "PORT": "",
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
}
POSTGRESQL_MAIN = {
    "ENGINE": database.POSTGRESQL,
    "NAME": "lien",
    "USER": "lien",
    "PASSWORD": "secret",
    "HOST": "db.internal",
    "PORT": 5432,
    "OPTIONS": {"sslmode": "require"},
}
FIRST_SCENARIOS = {"login_page", "today", "audit_list"}
CASEWORK_SCENARIOS = {"person_search", "person_file", "audit_person_history"}
STREET_SCENARIOS = {"encounter_form", "encounter_submit", "territory_page"}
JSON_KEYS = {"scenario", "queries", "median_ms", "p95_ms", "sql_ms", "ratio", "runs"}


def test_scale_label_is_safe_in_file_and_database_names():
    assert database.scale_label(1) == "1"
    assert database.scale_label(100.0) == "100"
    assert database.scale_label(0.01) == "0_01"
    assert database.scale_label(2.5) == "2_5"


def test_sqlite_bench_database_is_a_file_per_scale_in_var():
    target = database.bench_settings_dict(SQLITE_MAIN, 1.0)
    assert target["NAME"] == str(Path(settings.VAR_DIR) / "bench-s1.sqlite3")
    assert target["OPTIONS"] == SQLITE_MAIN["OPTIONS"]


def test_postgresql_bench_database_is_on_the_same_server_per_scale():
    target = database.bench_settings_dict(POSTGRESQL_MAIN, 100)
    assert target["NAME"] == "lien_bench_s100"
    assert (target["HOST"], target["PORT"], target["USER"]) == ("db.internal", 5432, "lien")
    assert target["OPTIONS"] == {"sslmode": "require"}


def test_bench_database_url_wins_and_a_sqlite_one_gets_the_wal_options():
    target = database.bench_settings_dict(
        POSTGRESQL_MAIN, 1, "sqlite:////var/lib/lien/bench.sqlite3"
    )
    assert target["ENGINE"] == database.SQLITE
    assert target["NAME"] == "/var/lib/lien/bench.sqlite3"
    assert target["OPTIONS"] == database.SQLITE_OPTIONS


def test_sqlite_options_are_those_of_the_settings():
    """The bench keeps its own copy for a SQLite bench next to a PostgreSQL main database."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    script = "import json, config.settings as s; print(json.dumps(s.DATABASES['default']))"
    done = subprocess.run(  # noqa: S603 (our own settings)
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["OPTIONS"] == database.SQLITE_OPTIONS


def test_it_refuses_the_main_database_as_bench_database():
    with pytest.raises(database.BenchDatabaseError):
        database.bench_settings_dict(POSTGRESQL_MAIN, 1, "postgres://lien@db.internal:5432/lien")
    with pytest.raises(database.BenchDatabaseError):
        database.bench_settings_dict(SQLITE_MAIN, 1, f"sqlite:///{SQLITE_MAIN['NAME']}")


def test_volumes_grow_with_the_scale():
    assert generator.sizes(1) == generator.Sizes(
        teams=5, users=20, audit_events=20_000, other_teams=2, other_users=6,
        other_audit_events=2_000, casework=generator.casework_sizes(1),
        other_casework=generator.casework_sizes(0.1), street=generator.street_sizes(1),
        other_street=generator.street_sizes(0.02),
    )  # fmt: skip
    street = generator.sizes(100).street
    assert (street.teams, street.encounters, street.observations) == (50, 1_000_000, 100_000)
    assert 3 <= generator.sizes(1).street.teams < 10
    assert generator.sizes(1).street.encounters == 10_000
    regional = generator.sizes(100)
    assert (regional.teams, regional.users, regional.audit_events) == (250, 2_000, 2_000_000)
    casework = regional.casework
    assert (casework.persons, casework.procedures, casework.journal_entries) == (
        100_000,
        300_000,
        500_000,
    )
    tiny = generator.sizes(0.01)
    assert tiny.users == len(generator.DESIGNATED_ROLES)
    assert tiny.teams == 2
    assert tiny.casework.persons >= 10


def test_generated_audit_actions_are_actions_lien_records():
    assert set(generator.ACTION_WEIGHTS) <= set(ACTIONS)


def test_percentile_is_a_measured_value():
    values = [float(v) for v in range(1, 21)]
    assert runner.percentile(values, 0.95) == 19.0
    assert runner.percentile(values, 0.5) == 10.0
    assert runner.percentile([3.0], 0.95) == 3.0


def test_results_table_and_json():
    results = [
        runner.Result("login_page", 0, 8.0, 9.5, 0.0, 200, (0, 0)),
        runner.Result("audit_list", 7, 30.0, 40.0, 1.5, 60, (7, 8)),
    ]
    table = runner.format_table(results).splitlines()
    assert table[0].split()[:2] == ["scenario", "queries"]
    assert table[2].split() == ["login_page", "0", "8.00", "9.50", "0.00", "—", "200"]
    assert table[3].split() == ["audit_list", "7*", "30.00", "40.00", "1.50", "20.0×", "60"]
    assert results[1].as_json() == {
        "scenario": "audit_list",
        "queries": 7,
        "median_ms": 30.0,
        "p95_ms": 40.0,
        "sql_ms": 1.5,
        "ratio": 20.0,
        "runs": 60,
    }


@pytest.mark.django_db
def test_generator_builds_the_bench_organisation_and_another_one():
    sizes = generator.sizes(0.01)
    generator.generate(0.01)

    organisation = Organisation.objects.get(name=generator.ORGANISATION_NAME)
    other = Organisation.objects.get(name=generator.OTHER_ORGANISATION_NAME)
    # The accounts' trail; the casework steps add the events of their records, the street
    # work ones those of their teams.
    street_teams = Team.objects.filter(name__startswith=street.STREET_TEAM_PREFIX)
    trail = AuditEvent.objects.filter(action__in=generator.ACTION_WEIGHTS).exclude(
        object_id__in=[
            str(public_id) for public_id in street_teams.values_list("public_id", flat=True)
        ]
    )
    assert trail.filter(organisation=organisation).count() == sizes.audit_events
    assert trail.filter(organisation=other).count() == sizes.other_audit_events
    assert User.objects.filter(organisation=organisation).count() == sizes.users
    assert User.objects.filter(organisation=other).count() == sizes.other_users
    assert not User.objects.filter(memberships=None).exists()
    assert not Membership.objects.exclude(organisation=F("user__organisation")).exists()
    assert not TeamMembership.objects.exclude(organisation=F("team__organisation")).exists()
    assert not TeamMembership.objects.exclude(organisation=F("user__organisation")).exists()
    assert generator.bench_user(Role.ADMIN).roles == {Role.ADMIN, Role.COORDINATOR}
    coordinator = generator.bench_user(Role.COORDINATOR)
    assert coordinator.roles == {Role.COORDINATOR}
    assert coordinator.team_memberships.count() == min(generator.COORDINATOR_TEAMS, sizes.teams)
    # Actors of one organisation's events belong to it.
    assert not AuditEvent.objects.filter(organisation=organisation, actor__organisation=other)

    casework = sizes.casework
    assert Person.objects.filter(organisation=organisation).count() == casework.persons
    assert Procedure.objects.filter(organisation=organisation).count() == casework.procedures
    entries = JournalEntry.objects.filter(organisation=organisation)
    assert entries.count() == casework.journal_entries
    assert Referral.objects.filter(organisation=organisation).count() == casework.referrals
    assert Person.objects.filter(organisation=other).count() == sizes.other_casework.persons
    # Every record's person, team and author belong to the record's organisation.
    assert not FollowUp.objects.exclude(organisation=F("person__organisation")).exists()
    assert not FollowUp.objects.exclude(organisation=F("team__organisation")).exists()
    assert not entries.exclude(author__organisation=organisation).exists()
    assert not Procedure.objects.exclude(organisation=F("person__organisation")).exists()
    assert not Referral.objects.exclude(organisation=F("partner__organisation")).exists()
    assert not PersonSearchKey.objects.exclude(organisation=F("person__organisation")).exists()
    # What the services would write to the audit trail, with actions it knows.
    assert set(AuditEvent.objects.values_list("action", flat=True).distinct()) <= set(ACTIONS)
    assert AuditEvent.objects.filter(action="journal.added").count() == (
        JournalEntry.objects.count()
    )


@pytest.mark.django_db
def test_generated_people_are_stored_as_the_services_store_them():
    generator.generate(0.01)

    for person in Person.objects.prefetch_related("search_keys"):
        # As lien.people.services._index_names builds them.
        expected = matching.search_keys(
            " ".join((person.first_name, person.other_names)), person.last_name, person.nickname
        )
        assert {key.key for key in person.search_keys.all()} == expected
        if person.niss:  # read back decrypted, found by its blind index
            assert len(person.niss) == 11
            assert person.niss_index == crypto.blind_index(person.niss)
        assert person.status != Person.Status.LEFT or person.left_on
    # Journal texts are genuine tokens of readable text.
    assert all(entry.text for entry in JournalEntry.objects.all())


@pytest.mark.django_db
def test_the_coordinator_follows_a_share_of_the_people_and_has_casework_today():
    from lien.casework.today import casework_today
    from lien.people import services

    generator.generate(0.5)
    coordinator = generator.bench_user(Role.COORDINATOR)
    organisation = coordinator.organisation
    visible = Person.objects.visible_to(coordinator).count()
    assert 0 < visible < Person.objects.filter(organisation=organisation).count()
    today = casework_today(coordinator)
    for part in ("my_procedures", "cpas_requests", "unanswered_referrals", "not_seen"):
        assert today[part], part
    # The search scenario finds other spellings of the name through the search keys.
    found = {
        person.first_name for person in services.search(by=coordinator, query=PERSON_SEARCH_QUERY)
    }
    assert PERSON_SEARCH_QUERY in found
    assert found - {PERSON_SEARCH_QUERY}


@pytest.mark.django_db
def test_generation_is_the_same_from_one_run_to_the_next():
    def fingerprint():
        events = AuditEvent.objects.order_by("public_id").values_list(
            "public_id", "action", "object_id", "actor__email"
        )
        users = User.objects.order_by("email").values_list("public_id", "email", "full_name")
        return list(events), list(users)

    with transaction.atomic():
        generator.generate(0.01)
        first = fingerprint()
        transaction.set_rollback(True)
    generator.generate(0.01)
    assert fingerprint() == first


@pytest.mark.django_db
def test_every_scenario_answers_its_user_and_is_measured():
    generator.generate(0.01)
    results = runner.run_all(SCENARIOS.values(), warmup=1, min_runs=3, min_seconds=0)

    assert {result.scenario for result in results} == (
        FIRST_SCENARIOS | CASEWORK_SCENARIOS | STREET_SCENARIOS
    )
    for result in results:
        assert result.runs == 3
        assert 0 < result.median_ms <= result.p95_ms
        assert 0 <= result.sql_ms < result.p95_ms
    by_name = {result.scenario: result for result in results}
    for name in (FIRST_SCENARIOS | CASEWORK_SCENARIOS | STREET_SCENARIOS) - {"login_page"}:
        assert by_name[name].queries > 0, name


@pytest.mark.django_db
def test_the_person_file_scenario_opens_a_followed_file_with_a_long_timeline(client):
    generator.generate(0.01)
    scenario = SCENARIOS["person_file"]
    user = scenario.user()
    client.force_login(user)
    with runner.bench_settings():
        page = client.get(scenario.build(user).path)
    assert page.status_code == 200
    person = page.context["person"]
    entries = JournalEntry.objects.visible_to(user).filter(person=person).count()
    assert entries == max(
        JournalEntry.objects.visible_to(user).filter(person=other).count()
        for other in Person.objects.visible_to(user)
    )
    assert [item for item in page.context["timeline"] if item.kind == "journal"]


@pytest.mark.django_db
def test_each_page_issues_the_same_queries_whatever_the_volume():
    """Query budgets: the scenarios' pages cost the same number of queries on a small and on a
    five times larger organisation (more people, notes, procedures, audit events)."""

    def query_counts() -> dict[str, int]:
        results = runner.run_all(SCENARIOS.values(), warmup=1, min_runs=1, min_seconds=0)
        assert all(result.stable_queries for result in results)
        return {result.scenario: result.queries for result in results}

    with transaction.atomic():
        generator.generate(0.01)
        small = query_counts()
        transaction.set_rollback(True)
    generator.generate(0.05)
    assert generator.sizes(0.05).casework.persons >= 5 * generator.sizes(0.01).casework.persons
    assert query_counts() == small


@pytest.mark.django_db
def test_a_scenario_answering_another_status_fails_loudly():
    generator.generate(0.01)
    forbidden = Scenario(
        name="audit_list_as_analyst",
        build=lambda user: Request("/admin/audit/"),
        as_role=Role.ANALYST,
        expect_status=200,
        description="",
    )
    with runner.bench_settings(), pytest.raises(runner.ScenarioFailed, match="403"):
        runner.run_scenario(forbidden, warmup=0, min_runs=1, min_seconds=0)


def test_bench_command_generates_a_database_then_reuses_it(tmp_path):
    """End to end, in a subprocess: the command switches Django's default connection, which
    the test database of this process must not see."""
    results_file = tmp_path / "bench.json"
    env = {
        **os.environ,
        "LIEN_BENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "LIEN_ENCRYPTION_KEYS": TEST_KEYS[0],
        "LIEN_BLIND_INDEX_KEY": TEST_BLIND_KEY,
    }

    def bench(scale: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "bench", "--scale", scale]
        command += ["--json", str(results_file), "--warmup", "1", "--min-runs", "3"]
        command += ["--min-seconds", "0"]
        done = subprocess.run(  # noqa: S603 (our own command)
            command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done

    first = bench("0.01")
    assert "Generating scale 0.01" in first.stdout
    results = json.loads(results_file.read_text())
    assert {result["scenario"] for result in results} >= FIRST_SCENARIOS | CASEWORK_SCENARIOS
    for result in results:
        assert set(result) == JSON_KEYS
        assert result["runs"] == 3
        assert 0 < result["median_ms"] <= result["p95_ms"]
        assert result["sql_ms"] >= 0
    assert all(r["queries"] > 0 for r in results if r["scenario"] != "login_page")
    assert "audit_list" in first.stdout

    second = bench("0.01")
    assert "Reusing the bench database" in second.stdout
    assert "Generating" not in second.stdout

    # The same database asked for at another scale is regenerated.
    third = bench("0.02")
    assert "regenerating" in third.stdout
    assert "Generating scale 0.02" in third.stdout
