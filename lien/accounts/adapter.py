from datetime import datetime, timedelta

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.utils import timezone

# A first second factor may be set up without typing the password again this soon after login.
FIRST_FACTOR_GRACE = timedelta(minutes=5)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an organisation admin's invitation, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Reauthentication guards a second factor against someone at an unattended desk. A user
        # made to set up their first one right after logging in has just proved the password.
        if app == "allauth.mfa" and self._just_logged_in_without_factor():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _just_logged_in_without_factor(self) -> bool:
        from lien.accounts.middleware import SESSION_STARTED

        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        started = request.session.get(SESSION_STARTED)
        if not started or timezone.now() - datetime.fromisoformat(started) > FIRST_FACTOR_GRACE:
            return False
        return not Authenticator.objects.filter(user=user).exists()
