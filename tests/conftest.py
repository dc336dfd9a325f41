import pytest
from cryptography.fernet import Fernet
from django.db import connection

from lien.accounts.models import Role
from lien.audit import triggers
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory

TEST_KEYS = [Fernet.generate_key().decode()]
TEST_BLIND_KEY = "test-blind-index-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LIEN_ENCRYPTION_KEYS = TEST_KEYS
    settings.LIEN_BLIND_INDEX_KEY = TEST_BLIND_KEY
    settings.LIEN_REQUIRE_MFA = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _audit_triggers(request):
    """Every database test starts with the append-only audit triggers in place. Tests that
    empty the database afterwards (transactional, browser) take them off for that clean-up
    only: this fixture depends on the database fixture, so its teardown runs first."""
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    transactional = bool(fixtures & {"transactional_db", "live_server"}) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in fixtures:
        request.getfixturevalue("db")
    else:
        yield
        return
    triggers.install(connection)
    yield
    if transactional:
        triggers.remove(connection)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Travail de rue A")


@pytest.fixture
def team(organisation):
    return TeamFactory(organisation=organisation, name="Équipe Maritime")


@pytest.fixture
def make_user(db):
    def make(*roles, organisation=None, teams=(), **kwargs):
        if organisation is not None:
            kwargs["organisation"] = organisation
        return UserFactory(roles=list(roles), teams=list(teams), **kwargs)

    return make


@pytest.fixture
def admin(make_user, organisation):
    return make_user(Role.ADMIN, organisation=organisation, full_name="Ada Admin")


@pytest.fixture
def social_worker(make_user, organisation, team):
    return make_user(
        Role.SOCIAL_WORKER, organisation=organisation, teams=[team], full_name="Sam Social"
    )


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Habitat B")


@pytest.fixture
def stranger_admin(make_user, other_organisation):
    """An admin of another organisation: must never see the first one's records."""
    return make_user(Role.ADMIN, organisation=other_organisation, full_name="Zoe Stranger")
