"""Appending new generator steps to an existing bench database instead of regenerating it."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from django.conf import settings
from django.db import transaction

from lien.accounts.models import User
from lien.audit.models import AuditEvent
from lien.bench import generator
from lien.outreach.models import Encounter
from tests.conftest import TEST_BLIND_KEY, TEST_KEYS

NAMES = generator.step_names()
FIRST_STREET_STEP = NAMES.index("street_teams")


def stored(**changes) -> dict:
    return {**generator.marker(1.0), "generated_at": "2026-11-01T10:00:00+00:00", **changes}


def test_a_complete_database_needs_no_step():
    assert generator.steps_to_run(stored(), 1.0) == []


def test_a_database_with_the_first_steps_gets_the_new_ones():
    marker = stored(steps=NAMES[:FIRST_STREET_STEP])
    assert generator.steps_to_run(marker, 1.0) == NAMES[FIRST_STREET_STEP:]


@pytest.mark.parametrize(
    "marker",
    [
        None,
        {},
        stored(scale=2.0),
        stored(seed=generator.SEED + 1),
        stored(version=generator.GENERATOR_VERSION - 1),
        stored(steps=["organisations", "users"]),  # not a prefix: a step went missing
        stored(steps=[*NAMES, "a_step_no_longer_there"]),
        stored(steps=NAMES[:3], running=NAMES[3]),  # interrupted inside a step
        stored(steps="organisations"),
    ],
)
def test_anything_else_is_regenerated(marker):
    assert generator.steps_to_run(marker, 1.0) is None


def test_generate_refuses_steps_done_that_are_not_the_first_ones():
    with pytest.raises(ValueError, match="not the first steps"):
        generator.generate(0.01, done=["users"])


def _fingerprint():
    events = AuditEvent.objects.order_by("public_id").values_list(
        "public_id", "action", "object_id", "actor__email", "fields"
    )
    encounters = Encounter.objects.order_by("public_id").values_list(
        "public_id", "team__name", "place__name", "kind", "created_by__email"
    )
    users = User.objects.order_by("email").values_list("public_id", "email")
    return list(events), list(encounters), list(users)


@pytest.mark.django_db
def test_appended_steps_generate_what_a_full_generation_does(monkeypatch):
    """The new steps rebuild what they need from the database: run after the first steps in
    another run (an empty context), they write the same rows as in one run."""
    with transaction.atomic():
        generator.generate(0.01)
        whole = _fingerprint()
        transaction.set_rollback(True)

    monkeypatch.setattr(generator, "STEPS", generator.STEPS[:FIRST_STREET_STEP])
    generator.generate(0.01)
    monkeypatch.undo()
    reported = []
    progress = []
    generator.generate(
        0.01,
        done=NAMES[:FIRST_STREET_STEP],
        report=reported.append,
        progress=lambda done, running: progress.append((list(done), running)),
    )

    assert _fingerprint() == whole
    assert not any("organisations" in line for line in reported)
    assert progress[0] == (NAMES[:FIRST_STREET_STEP], NAMES[FIRST_STREET_STEP])
    assert progress[-1] == (NAMES, None)


def test_bench_command_appends_new_steps_to_an_existing_database(tmp_path):
    """End to end, in subprocesses: a bench database generated before the street-work steps
    existed gets only those, and keeps its first rows."""
    path = tmp_path / "bench.sqlite3"
    env = {
        **os.environ,
        "LIEN_BENCH_DATABASE_URL": f"sqlite:///{path}",
        "LIEN_ENCRYPTION_KEYS": TEST_KEYS[0],
        "LIEN_BLIND_INDEX_KEY": TEST_BLIND_KEY,
    }
    options = ["--scale", "0.01", "--scenario", "login_page", "--warmup", "0"]
    options += ["--min-runs", "1", "--min-seconds", "0"]
    # The bench command as it was before the street-work steps.
    older = (
        "import sys, django; django.setup(); from lien.bench import generator; "
        f"del generator.STEPS[{FIRST_STREET_STEP}:]; "
        "from django.core.management import call_command; call_command('bench', *sys.argv[1:])"
    )

    def run(*command) -> subprocess.CompletedProcess:
        done = subprocess.run(  # noqa: S603 (our own command)
            [sys.executable, *command, *options],
            cwd=settings.BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done

    first = run("-c", older)
    assert "Generating scale 0.01" in first.stdout
    with closing(sqlite3.connect(path)) as db:
        people = db.execute("SELECT public_id FROM people_person ORDER BY id").fetchall()
        assert db.execute("SELECT COUNT(*) FROM outreach_encounter").fetchone() == (0,)

    second = run("manage.py", "bench")
    assert "Appending to the bench database" in second.stdout
    assert "street_teams" in second.stdout
    assert "Generating" not in second.stdout
    assert "  people..." not in second.stderr
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT public_id FROM people_person ORDER BY id").fetchall() == people
        count = db.execute("SELECT COUNT(*) FROM outreach_encounter").fetchone()[0]
        sizes = generator.sizes(0.01)
        assert count == sizes.street.encounters + sizes.other_street.encounters
        (marker,) = db.execute("SELECT value FROM lien_bench_marker").fetchone()
    marker = json.loads(marker)
    assert marker["steps"] == NAMES
    assert "appended_at" in marker
    assert "running" not in marker

    third = run("manage.py", "bench")
    assert "Reusing the bench database" in third.stdout
