from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts import services
from lien.accounts.forms import AcceptInvitationForm, InviteUserForm, TeamForm, UserForm
from lien.accounts.models import Team, User
from lien.core.versioning import EditConflict, keep_typed_values


def _teams(request):
    return Team.objects.visible_to(request.user).active()


def _user_or_404(request, public_id: UUID) -> User:
    return policy.get_or_404(User.objects.visible_to(request.user), public_id=public_id)


def _team_or_404(request, public_id: UUID) -> Team:
    return policy.get_or_404(Team.objects.visible_to(request.user), public_id=public_id)


@policy.require(Perm.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.visible_to(request.user)
        .prefetch_related("memberships", "team_memberships__team")
        .order_by("-is_active", "full_name", "pk")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@policy.require(Perm.MANAGE_USERS)
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteUserForm(request.POST or None, teams=_teams(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invite_user(
                request=request,
                by=request.user,
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                roles=data["roles"],
                teams=data["teams"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render(request, "accounts/user_invite.html", {"form": form})


@policy.require(Perm.MANAGE_USERS)
def user_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _user_or_404(request, public_id)
    initial = {
        "full_name": user.full_name,
        "language": user.language,
        "roles": list(user.roles),
        "teams": list(user.team_memberships.values_list("team__public_id", flat=True)),
        "version": user.version,
    }
    form = UserForm(request.POST or None, initial=initial, teams=_teams(request))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                by=request.user,
                user=user,
                version=data["version"],
                full_name=data["full_name"],
                language=data["language"],
                roles=data["roles"],
                teams=data["teams"],
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": user, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_USERS)
def user_deactivate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _user_or_404(request, public_id)
    try:
        services.deactivate_user(by=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s is deactivated and logged out everywhere.") % {"name": user}
        )
    return redirect("accounts:user_detail", public_id=user.public_id)


@require_POST
@policy.require(Perm.MANAGE_USERS)
def user_reactivate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _user_or_404(request, public_id)
    services.reactivate_user(by=request.user, user=user)
    messages.success(request, _("%(name)s can log in again.") % {"name": user})
    return redirect("accounts:user_detail", public_id=user.public_id)


@policy.require(Perm.MANAGE_TEAMS)
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.visible_to(request.user).order_by("archived_at", "name")
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
            return redirect("accounts:team_list")
    return render(request, "accounts/team_list.html", {"teams": teams, "form": form})


@policy.require(Perm.MANAGE_TEAMS)
def team_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    form = TeamForm(
        request.POST or None,
        initial={"name": team.name, "description": team.description, "version": team.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(
                by=request.user,
                team=team,
                version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:team_detail", public_id=team.public_id)
    members = get_user_model().objects.filter(team_memberships__team=team).order_by("full_name")
    return render(
        request,
        "accounts/team_detail.html",
        {"team": team, "form": form, "conflict": conflict, "members": members},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_TEAMS)
def team_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    services.archive_team(by=request.user, team=team)
    messages.success(request, _("Team “%(name)s” archived.") % {"name": team.name})
    return redirect("accounts:team_list")


@policy.public
@login_not_required
def accept_invitation(request: HttpRequest, public_id: UUID, token: str) -> HttpResponse:
    """Public by necessity: the signed token is the access check."""
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set. You can log in now."))
        return redirect("account_login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user})
