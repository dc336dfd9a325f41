"""Authentication events come from django.contrib.auth and django-allauth as signals: these
receivers are the only hook those libraries give, so they write the audit rows here."""

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lien.audit.services import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(action="auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None and user.pk:
        record(action="auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The typed email is not stored; when it names an account, the account is the object.
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    target = get_user_model().objects.filter(email__iexact=str(email)[:254]).first()
    if target is not None:
        record(action="auth.login_failed", organisation=target.organisation, obj=target)
    else:
        record(action="auth.login_failed", object_type="accounts.user")


@receiver(password_changed)
def audit_password_changed(sender, request, user, **kwargs):
    record(action="auth.password_changed", actor=user, obj=user)


@receiver(password_reset)
def audit_password_reset(sender, request, user, **kwargs):
    record(action="auth.password_reset", actor=user, obj=user)


@receiver(authenticator_added)
def audit_mfa_added(sender, request, user, authenticator, **kwargs):
    record(action="mfa.added", actor=user, obj=user, fields=[authenticator.type])


@receiver(authenticator_removed)
def audit_mfa_removed(sender, request, user, authenticator, **kwargs):
    record(action="mfa.removed", actor=user, obj=user, fields=[authenticator.type])


@receiver(authenticator_reset)
def audit_mfa_reset(sender, request, user, authenticator, **kwargs):
    record(action="mfa.recovery_codes_reset", actor=user, obj=user, fields=[authenticator.type])


@receiver(authentication_failed)
def audit_mfa_failed(sender, request=None, user=None, **kwargs):
    if user is not None and getattr(user, "pk", None):
        record(action="mfa.failed", organisation=user.organisation, obj=user)
