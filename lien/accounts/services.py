"""Every write to accounts goes through here: in a transaction, audited."""

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership, User
from lien.audit.changes import apply_changes
from lien.audit.services import record
from lien.core.versioning import claim_version


def _check_teams(organisation: Organisation, teams) -> list[Team]:
    teams = list(teams)
    if any(team.organisation_id != organisation.pk for team in teams):
        raise ValidationError(_("A team of another organisation cannot be given."))
    return teams


def _set_roles_and_teams(user: User, roles, teams) -> set[str]:
    """Make the user's roles and teams exactly these; return which of the two changed."""
    changed: set[str] = set()
    current_roles = set(user.memberships.values_list("role", flat=True))
    wanted_roles = set(roles)
    if current_roles != wanted_roles:
        user.memberships.exclude(role__in=wanted_roles).delete()
        Membership.objects.bulk_create(
            Membership(organisation_id=user.organisation_id, user=user, role=role)
            for role in wanted_roles - current_roles
        )
        changed.add("roles")
    current_teams = set(user.team_memberships.values_list("team_id", flat=True))
    wanted_teams = {team.pk for team in teams}
    if current_teams != wanted_teams:
        user.team_memberships.exclude(team_id__in=wanted_teams).delete()
        TeamMembership.objects.bulk_create(
            TeamMembership(organisation_id=user.organisation_id, user=user, team_id=team_id)
            for team_id in wanted_teams - current_teams
        )
        changed.add("teams")
    user._roles_cache = user._lien_team_ids = None  # read again on next use
    return changed


def _admins_left(organisation: Organisation, *, without: User) -> int:
    return (
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN, user__is_active=True)
        .exclude(user=without)
        .count()
    )


def invitation_url(request, user: User) -> str:
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(
        reverse("accounts:accept_invitation", kwargs={"public_id": user.public_id, "token": token})
    )


def invite_user(
    *, request, by: User, email: str, full_name: str, language: str, roles, teams
) -> User:
    organisation = by.organisation
    teams = _check_teams(organisation, teams)
    if not roles:
        raise ValidationError(_("Give the user at least one role."))
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this email already exists."))
        user = User.objects.create_user(
            email=email,
            full_name=full_name,
            language=language,
            organisation=organisation,
            invited_at=timezone.now(),
        )
        _set_roles_and_teams(user, roles, teams)
        record(action="user.invited", actor=by, obj=user, fields=["email", "roles", "teams"])
        link = invitation_url(request, user)
        transaction.on_commit(lambda: _send_invitation(user, link, by))
    return user


def _send_invitation(user: User, link: str, by: User) -> None:
    with translation.override(user.language):
        body = render_to_string(
            "accounts/email/invitation.txt",
            {"user": user, "link": link, "inviter": by, "organisation": user.organisation},
        )
        send_mail(_("Your Lien account"), body, None, [user.email])


def accept_invitation(*, user: User, password: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        record(action="user.invitation_accepted", actor=user, obj=user, fields=["password"])
    return user


def update_user(
    *, by: User, user: User, version: int, full_name: str, language: str, roles, teams
) -> User:
    teams = _check_teams(by.organisation, teams)
    if not roles:
        raise ValidationError(_("Give the user at least one role."))
    with transaction.atomic():
        claim_version(user, expected=version)
        if (
            Role.ADMIN in user.roles
            and Role.ADMIN not in roles
            and _admins_left(user.organisation, without=user) == 0
        ):
            raise ValidationError(
                _("This is the last active admin of the organisation: keep the admin role.")
            )
        names, previous = apply_changes(
            user, {"full_name": full_name, "language": language}, ("full_name", "language")
        )
        user.save(update_fields=["full_name", "language"])
        changed = set(names) | _set_roles_and_teams(user, roles, teams)
        record(action="user.changed", actor=by, obj=user, fields=changed, previous=previous)
    return user


def end_sessions(user: User) -> int:
    """End every session of the user, now, on every device."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def deactivate_user(*, by: User, user: User) -> User:
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        if Role.ADMIN in user.roles and _admins_left(user.organisation, without=user) == 0:
            raise ValidationError(_("This is the last active admin of the organisation."))
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.version += 1
        user.save(update_fields=["is_active", "deactivated_at", "version"])
        record(action="user.deactivated", actor=by, obj=user, fields=["is_active"])
        end_sessions(user)
    return user


def reactivate_user(*, by: User, user: User) -> User:
    with transaction.atomic():
        user.is_active = True
        user.deactivated_at = None
        user.version += 1
        user.save(update_fields=["is_active", "deactivated_at", "version"])
        record(action="user.reactivated", actor=by, obj=user, fields=["is_active"])
    return user


def create_team(*, by: User, name: str, description: str = "") -> Team:
    with transaction.atomic():
        if Team.objects.filter(organisation=by.organisation, name__iexact=name).exists():
            raise ValidationError(_("A team with this name already exists."))
        team = Team.objects.create(organisation=by.organisation, name=name, description=description)
        record(action="team.created", actor=by, obj=team, fields=["name", "description"])
    return team


def update_team(*, by: User, team: Team, version: int, name: str, description: str) -> Team:
    with transaction.atomic():
        claim_version(team, expected=version)
        clash = Team.objects.filter(organisation=team.organisation, name__iexact=name)
        if clash.exclude(pk=team.pk).exists():
            raise ValidationError(_("A team with this name already exists."))
        changed, previous = apply_changes(
            team, {"name": name, "description": description}, ("name", "description")
        )
        team.save(update_fields=["name", "description"])
        record(action="team.changed", actor=by, obj=team, fields=changed, previous=previous)
    return team


def archive_team(*, by: User, team: Team) -> Team:
    with transaction.atomic():
        team.archived_at = timezone.now()
        team.version += 1
        team.save(update_fields=["archived_at", "version"])
        record(action="team.archived", actor=by, obj=team, fields=["archived_at"])
    return team
