from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Membership, Team
from lien.casework.today import appointments_today, casework_today, section_page
from lien.outreach.today import mediations_today
from lien.teamwork.today import action_items_today


@policy.require(None)
def today(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = policy.my_teams(user, Team.objects.all()).active().order_by("name")
    roles = [Membership(role=role).get_role_display() for role in sorted(user.roles)]
    return render(
        request,
        "web/today.html",
        {
            "teams": teams,
            "roles": roles,
            **appointments_today(user),
            **casework_today(user),
            **action_items_today(user),
            **mediations_today(user),
        },
    )


@policy.require(Perm.MANAGE_PROCEDURES)
@require_GET
def today_list(request: HttpRequest, section: str) -> HttpResponse:
    """One list of Today in full (Today shows its first rows)."""
    return render(
        request, "web/today_list.html", section_page(request.user, section, request.GET.get("page"))
    )


@policy.public
@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_not_required
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # Render without the request context: whatever failed may fail again there.
    return render(None, "500.html", status=500)
