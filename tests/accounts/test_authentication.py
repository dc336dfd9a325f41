from datetime import timedelta
from unittest import mock

import pyotp
import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent


def login(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def actions_for(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.public_id))
        .order_by("occurred_at", "pk")
        .values_list("action", flat=True)
    )


def test_a_user_logs_in_by_email_and_lands_on_today(client, social_worker, password):
    response = login(client, social_worker, password)
    assert response.status_code == 302
    assert response.url == reverse("web:today")
    assert client.get(reverse("web:today")).status_code == 200


def test_login_and_logout_are_audited_without_the_password(client, social_worker, password):
    login(client, social_worker, password)
    client.post(reverse("account_logout"))
    assert actions_for(social_worker) == ["auth.login", "auth.logout"]
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == social_worker
    assert event.organisation == social_worker.organisation
    assert event.ip == "127.0.0.1"
    assert event.request_id


def test_a_wrong_password_is_refused_with_a_message_and_audited(client, social_worker):
    response = login(client, social_worker, "not the right password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_id == str(social_worker.public_id)
    assert event.actor is None


def test_an_unknown_email_is_refused_like_a_wrong_password(client, db):
    response = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "whatever123456"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AuditEvent.objects.filter(action="auth.login_failed", object_id="").count() == 1


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, social_worker, password, settings
):
    for _ in range(settings.LIEN_LOGIN_FAILURES):
        login(client, social_worker, "wrong password again")
    response = login(client, social_worker, password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    errors = " ".join(response.context["form"].non_field_errors())
    assert errors  # allauth's "too many failed login attempts" message


def test_the_lockout_of_one_account_leaves_the_others_alone(
    client, social_worker, admin, password, settings
):
    for _ in range(settings.LIEN_LOGIN_FAILURES):
        login(client, social_worker, "wrong password again")
    assert login(client, admin, password).status_code == 302


@pytest.fixture
def clock():
    """Move the middleware's clock forward."""
    start = timezone.now()
    with mock.patch("lien.accounts.middleware.timezone.now") as now:
        now.return_value = start

        def advance(**delta):
            now.return_value = now.return_value + timedelta(**delta)

        yield advance


def test_the_session_ends_after_thirty_idle_minutes(client, social_worker, password, clock):
    login(client, social_worker, password)
    assert client.get(reverse("web:today")).status_code == 200
    clock(minutes=31)
    response = client.get(reverse("web:today"))
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert client.get(reverse("web:today")).status_code == 302
    assert "auth.session_expired" in actions_for(social_worker)


def test_activity_keeps_the_session_alive_until_ten_hours(client, social_worker, password, clock):
    login(client, social_worker, password)
    client.get(reverse("web:today"))
    for _ in range(29):  # a request every 20 minutes: 9 h 40 min
        clock(minutes=20)
        assert client.get(reverse("web:today")).status_code == 200
    clock(minutes=21)  # 10 h 01 min after login, 21 minutes idle
    assert client.get(reverse("web:today")).status_code == 302


def test_the_timeouts_follow_the_settings(client, social_worker, password, clock, settings):
    settings.LIEN_SESSION_IDLE = timedelta(minutes=5)
    login(client, social_worker, password)
    client.get(reverse("web:today"))
    clock(minutes=6)
    assert client.get(reverse("web:today")).status_code == 302


def test_an_htmx_request_after_expiry_is_told_to_redirect(client, social_worker, password, clock):
    login(client, social_worker, password)
    client.get(reverse("web:today"))
    clock(hours=1)
    response = client.get(reverse("web:today"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("account_login")


def test_deactivation_ends_every_session_at_once(client, social_worker, admin, password):
    from django.test import Client

    phone, laptop = Client(), Client()
    login(phone, social_worker, password)
    login(laptop, social_worker, password)
    assert UserSession.objects.filter(user=social_worker).count() == 2
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_deactivate", kwargs={"public_id": social_worker.public_id})
    )
    assert response.status_code == 302
    for device in (phone, laptop):
        answer = device.get(reverse("web:today"))
        assert answer.status_code == 302
        assert answer.url.startswith(reverse("account_login"))
    assert not UserSession.objects.filter(user=social_worker).exists()
    assert Session.objects.count() == 1  # the admin's own


def test_a_deactivated_user_cannot_log_in_and_is_told_why(client, social_worker, password):
    social_worker.is_active = False
    social_worker.save()
    response = login(client, social_worker, password)
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response.url == reverse("account_inactive")
        assert client.get(response.url).status_code == 200


@pytest.fixture
def mfa_on(settings):
    settings.LIEN_REQUIRE_MFA = True


def _activate_totp(client) -> str:
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content
    return secret


def test_mfa_is_required_before_any_page_for_roles_seeing_personal_data(
    client, social_worker, password, mfa_on, django_capture_on_commit_callbacks
):
    login(client, social_worker, password)
    response = client.get(reverse("web:today"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    with django_capture_on_commit_callbacks(execute=True):
        _activate_totp(client)
    assert client.get(reverse("web:today")).status_code == 200
    assert "mfa.added" in actions_for(social_worker)


def test_an_analyst_is_not_forced_to_add_a_second_factor(
    client, make_user, organisation, password, mfa_on
):
    analyst = make_user(Role.ANALYST, organisation=organisation)
    login(client, analyst, password)
    assert client.get(reverse("web:today")).status_code == 200


def test_with_mfa_the_login_asks_for_a_code_and_refuses_a_wrong_one(
    client, social_worker, password, mfa_on
):
    login(client, social_worker, password)
    secret = _activate_totp(client)
    client.post(reverse("account_logout"))
    response = login(client, social_worker, password)
    assert response.url == reverse("mfa_authenticate")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "mfa.failed" in actions_for(social_worker)
    right = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    assert client.get(reverse("web:today")).status_code == 200


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings as live

    from config import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert live.AUTH_PASSWORD_VALIDATORS[0]["OPTIONS"]["min_length"] == 12


def test_a_forgotten_password_is_reset_with_a_code_sent_by_email(client, social_worker):
    import re

    from django.core import mail

    client.post(reverse("account_reset_password"), {"email": social_worker.email})
    assert len(mail.outbox) == 1
    assert str(social_worker.pk) not in re.findall(r"https?://\S+", mail.outbox[0].body)
    code = re.search(r"^\s*([A-Z0-9]{4,}[-A-Z0-9]*)\s*$", mail.outbox[0].body, re.M).group(1)
    confirmed = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    assert confirmed.status_code == 302
    new = "a brand new passphrase for Lien"
    done = client.post(
        reverse("account_complete_password_reset"), {"password1": new, "password2": new}
    )
    assert done.status_code == 302
    assert login(client, social_worker, new).status_code == 302
    assert "auth.password_reset" in actions_for(social_worker)


def test_a_reset_asked_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302


def test_a_required_second_factor_cannot_be_removed(client, social_worker, password, mfa_on):
    login(client, social_worker, password)
    _activate_totp(client)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 403


def test_a_second_factor_can_be_removed_when_not_required(client, social_worker, password):
    login(client, social_worker, password)
    _activate_totp(client)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code in {200, 302}
