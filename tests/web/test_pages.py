from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lien.accounts.models import Role
from tests.factories import TeamFactory


def test_a_huge_form_post_gets_a_clear_page_and_nothing_is_written(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:team_list"), {"name": "x", "description": "y" * 10_000_000}
    )
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()
    assert not admin.organisation.teams.exists()


def test_a_malformed_uuid_is_a_404_page(client, admin):
    client.force_login(admin)
    response = client.get("/admin/users/not-a-uuid/")
    assert response.status_code == 404
    assert 'class="topbar"' in response.content.decode()


def test_a_csrf_failure_gets_a_page_in_the_design(db, admin):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.post(reverse("accounts:team_list"), {"name": "Sans jeton"})
    assert response.status_code == 403
    assert 'class="topbar"' in response.content.decode()
    assert not admin.organisation.teams.exists()


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_holds_inline_script_or_style(client, social_worker):
    client.force_login(social_worker)
    for url in (reverse("account_login"), reverse("web:today")):
        body = client.get(url).content.decode()
        assert "<style" not in body
        assert " style=" not in body
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], url


def test_the_language_switch_changes_the_page_language(client, db):
    client.post(reverse("set_language"), {"language": "nl", "next": "/accounts/login/"})
    assert '<html lang="nl">' in client.get(reverse("account_login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get(reverse("account_login")).content.decode()


def test_each_page_has_exactly_one_h1(client, admin, social_worker):
    client.force_login(admin)
    for name in (
        "web:today",
        "accounts:user_list",
        "accounts:user_invite",
        "accounts:team_list",
        "audit:event_list",
    ):
        body = client.get(reverse(name)).content.decode()
        assert body.count("<h1") == 1, name


def test_health_answers_ok(client, db):
    response = client.get(reverse("web:health"))
    assert response.json() == {"status": "ok"}


def test_today_costs_the_same_queries_for_one_or_twenty_teams(client, make_user, organisation):
    user = make_user(Role.SOCIAL_WORKER, organisation=organisation)
    client.force_login(user)
    url = reverse("web:today")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    from lien.accounts.models import TeamMembership

    def join(n):
        for _ in range(n):
            team = TeamFactory(organisation=organisation)
            TeamMembership.objects.create(organisation=organisation, team=team, user=user)

    join(1)
    small = count()
    join(19)
    # Session and user, teams, then one query per Today list (procedures, CPAS, referrals,
    # expiring documents, people not seen, appointments, mediations to follow up).
    assert count() == small <= 13
