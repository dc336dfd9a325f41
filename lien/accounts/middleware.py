from datetime import datetime

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.audit.services import record

SESSION_STARTED = "lien_started_at"
SESSION_SEEN = "lien_seen_at"
# Rewriting the session on every request would cost a write per click: once a minute is enough
# to measure an idle timeout counted in minutes.
SEEN_RESOLUTION_SECONDS = 60


def _redirect(request, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionTimeoutMiddleware:
    """End a session after LIEN_SESSION_IDLE without a request, or LIEN_SESSION_ABSOLUTE after
    login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if started is None:
                request.session[SESSION_STARTED] = now.isoformat()
                request.session[SESSION_SEEN] = now.isoformat()
            else:
                started_at = datetime.fromisoformat(started)
                seen_at = datetime.fromisoformat(seen) if seen else started_at
                if (
                    now - seen_at > settings.LIEN_SESSION_IDLE
                    or now - started_at > settings.LIEN_SESSION_ABSOLUTE
                ):
                    record(action="auth.session_expired", actor=user, obj=user)
                    logout(request)
                    messages.info(request, _("Your session has expired. Please log in again."))
                    return _redirect(request, reverse(settings.LOGIN_URL))
                if (now - seen_at).total_seconds() >= SEEN_RESOLUTION_SECONDS:
                    request.session[SESSION_SEEN] = now.isoformat()
        return self.get_response(request)


# Pages a user without a second factor may still reach: setting one up, and leaving.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "set_language",
        "web:health",
    }
)


class RequireMFAMiddleware:
    """When LIEN_REQUIRE_MFA is on, a user whose roles reach personal data must add a second
    factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.LIEN_REQUIRE_MFA:
            return None
        user = request.user
        if not user.is_authenticated or not policy.requires_mfa(user):
            return None
        match = request.resolver_match
        if match is None or match.view_name in MFA_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return None
        messages.warning(
            request,
            _("Your role gives access to personal data: set up a second factor to continue."),
        )
        return _redirect(request, reverse("mfa_activate_totp"))
