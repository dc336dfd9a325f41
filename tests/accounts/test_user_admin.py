import re

import pytest
from django.core import mail
from django.urls import reverse

from lien.accounts.models import Role, User
from lien.audit.models import AuditEvent
from tests.factories import TeamFactory


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def invite(client, team, **overrides):
    data = {
        "full_name": "Nour Nouvelle",
        "email": "Nour@Example.org",
        "language": "nl",
        "roles": [Role.SOCIAL_WORKER],
        "teams": [str(team.public_id)],
        **overrides,
    }
    return client.post(reverse("accounts:user_invite"), data)


def test_an_admin_invites_a_user_who_sets_a_password_and_logs_in(
    admin_client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, team)
    assert response.status_code == 302
    user = User.objects.get(email="nour@example.org")
    assert user.roles == {Role.SOCIAL_WORKER}
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nour@example.org"]
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    admin_client.post(reverse("account_logout"))
    assert admin_client.get(link).status_code == 200
    too_short = admin_client.post(
        link, {"new_password1": "short pass", "new_password2": "short pass"}
    )
    assert too_short.status_code == 200
    assert too_short.context["form"].errors
    long_phrase = "une phrase de passe longue de plus de soixante-quatre caractères, bien sûr !!"
    assert len(long_phrase) > 64
    done = admin_client.post(link, {"new_password1": long_phrase, "new_password2": long_phrase})
    assert done.status_code == 302
    assert admin_client.get(link).status_code == 404  # the link works once
    login = admin_client.post(
        reverse("account_login"), {"login": "nour@example.org", "password": long_phrase}
    )
    assert login.status_code == 302
    actions = set(
        AuditEvent.objects.filter(object_id=str(user.public_id)).values_list("action", flat=True)
    )
    assert {"user.invited", "user.invitation_accepted", "auth.login"} <= actions


def test_an_invitation_without_role_keeps_what_was_typed_and_says_why(admin_client, team):
    response = invite(admin_client, team, roles=[])
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert 'value="Nour Nouvelle"' in response.content.decode()
    assert not User.objects.filter(email="nour@example.org").exists()


def test_an_existing_email_is_refused(admin_client, team, social_worker):
    response = invite(admin_client, team, email=social_worker.email.upper())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_team_of_another_organisation_cannot_be_given(admin_client, other_organisation):
    foreign = TeamFactory(organisation=other_organisation)
    response = invite(admin_client, foreign)
    assert response.status_code == 200
    assert "teams" in response.context["form"].errors
    assert not User.objects.filter(email="nour@example.org").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "x" * 151),
        ("email", "not an email"),
        ("email", "a" * 250 + "@example.org"),
        ("language", "klingon"),
        ("roles", ["superuser"]),
    ],
)
def test_bad_input_on_the_invitation_form_is_explained(admin_client, team, field, value):
    response = invite(admin_client, team, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 1


def test_markup_in_a_name_is_shown_as_text(admin_client, team):
    invite(admin_client, team, full_name='<script>alert("x")</script>')
    response = admin_client.get(reverse("accounts:user_list"))
    body = response.content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body


def edit(client, user, **overrides):
    data = {
        "full_name": user.full_name,
        "language": user.language,
        "roles": list(user.roles),
        "teams": [],
        "version": user.version,
        **overrides,
    }
    return client.post(reverse("accounts:user_detail", kwargs={"public_id": user.public_id}), data)


def test_an_admin_changes_roles_and_teams(admin_client, social_worker, team):
    response = edit(
        admin_client,
        social_worker,
        roles=[Role.COORDINATOR, Role.SOCIAL_WORKER],
        teams=[str(team.public_id)],
    )
    assert response.status_code == 302
    social_worker = User.objects.get(pk=social_worker.pk)
    assert social_worker.roles == {Role.COORDINATOR, Role.SOCIAL_WORKER}
    event = AuditEvent.objects.get(action="user.changed")
    assert event.fields == ["roles"]  # already in that team


def test_two_admins_editing_at_once_do_not_overwrite_each_other(
    admin_client, social_worker, make_user, organisation
):
    from django.test import Client

    other_admin = make_user(Role.ADMIN, organisation=organisation)
    second = Client()
    second.force_login(other_admin)
    stale_version = social_worker.version
    assert edit(admin_client, social_worker, full_name="Sam Premier").status_code == 302
    clash = edit(second, social_worker, full_name="Sam Second", version=stale_version)
    assert clash.status_code == 409
    body = clash.content.decode()
    assert "Sam Second" in body  # what the second admin typed is still there
    assert "Sam Premier" in body  # and the saved version is shown beside it
    assert User.objects.get(pk=social_worker.pk).full_name == "Sam Premier"
    retry = edit(second, social_worker, full_name="Sam Second", version=stale_version + 1)
    assert retry.status_code == 302


def test_the_last_admin_keeps_the_admin_role(admin_client, admin):
    response = edit(admin_client, admin, roles=[Role.SOCIAL_WORKER])
    assert response.status_code == 200
    assert User.objects.get(pk=admin.pk).roles == {Role.ADMIN}


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    admin_client.post(reverse("accounts:user_deactivate", kwargs={"public_id": admin.public_id}))
    assert User.objects.get(pk=admin.pk).is_active


def test_a_deactivated_user_can_be_reactivated(admin_client, social_worker):
    admin_client.post(
        reverse("accounts:user_deactivate", kwargs={"public_id": social_worker.public_id})
    )
    assert not User.objects.get(pk=social_worker.pk).is_active
    admin_client.post(
        reverse("accounts:user_reactivate", kwargs={"public_id": social_worker.public_id})
    )
    assert User.objects.get(pk=social_worker.pk).is_active


def test_teams_are_created_renamed_and_archived(admin_client, organisation):
    admin_client.post(reverse("accounts:team_list"), {"name": "Beekkant"})
    team = organisation.teams.get(name="Beekkant")
    duplicate = admin_client.post(reverse("accounts:team_list"), {"name": "BEEKKANT"})
    assert duplicate.context["form"].errors
    url = reverse("accounts:team_detail", kwargs={"public_id": team.public_id})
    admin_client.post(url, {"name": "Beekkant – Osseghem", "description": "", "version": 1})
    team.refresh_from_db()
    assert team.name == "Beekkant – Osseghem"
    admin_client.post(reverse("accounts:team_archive", kwargs={"public_id": team.public_id}))
    team.refresh_from_db()
    assert team.archived_at is not None


def test_the_user_list_costs_the_same_queries_for_three_or_forty_users(
    admin_client, make_user, organisation, team
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("accounts:user_list")
    admin_client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx)

    for _ in range(2):
        make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    small = count()
    for _ in range(38):
        make_user(Role.SOCIAL_WORKER, Role.COORDINATOR, organisation=organisation, teams=[team])
    assert count() == small <= 8
