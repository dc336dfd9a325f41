"""Opening and ending a team's follow-up of a person: what gives a team sight of a file."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lien.access import policy
from lien.accounts.models import Team, User
from lien.audit.services import record
from lien.casework.models import FollowUp, PathwayTemplate
from lien.casework.services_pathways import apply_pathways
from lien.core.versioning import claim_version
from lien.people.models import Person


def open_follow_up(
    *, by: User, person: Person, team: Team, reason: str = "", on: datetime.date
) -> FollowUp:
    """One of the user's teams starts following a person the user already sees."""
    if not policy.teams_for_follow_up(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionDenied("this user cannot open a follow-up for this team")
    if team.organisation_id != person.organisation_id:
        raise PermissionDenied("a team of another organisation")
    with transaction.atomic():
        already = _("This team already follows this person.")
        if FollowUp.objects.open().filter(person=person, team=team).exists():
            raise ValidationError(already)
        try:
            # A savepoint: two requests may pass the check at once; the unique constraint
            # (one open follow-up per team) refuses the second without breaking the request.
            with transaction.atomic():
                follow_up = FollowUp.objects.create(
                    organisation_id=person.organisation_id,
                    person=person,
                    team=team,
                    started_on=on,
                    reason=reason,
                    created_by=by,
                )
        except IntegrityError:
            raise ValidationError(already) from None
        record(action="follow_up.opened", actor=by, obj=follow_up, fields=["team", "reason"])
        apply_pathways(
            event=PathwayTemplate.Event.FOLLOW_UP_OPENED, by=by, person=person, team=team, on=on
        )
    return follow_up


def end_follow_up(
    *, by: User, follow_up: FollowUp, version: int, on: datetime.date, reason: str
) -> FollowUp:
    """The team stops following; it keeps sight of the file for the visibility period."""
    if not policy.teams_for_follow_up(by, Team.objects.filter(pk=follow_up.team_id)).exists():
        raise PermissionDenied("only a member of the team ends its follow-up")
    if on < follow_up.started_on:
        raise ValidationError(_("The end comes after the start."))
    with transaction.atomic():
        claim_version(follow_up, expected=version)
        previous = {"ended_on": follow_up.ended_on, "end_reason": follow_up.end_reason}
        follow_up.ended_on = on
        follow_up.end_reason = reason
        follow_up.save()
        record(
            action="follow_up.ended",
            actor=by,
            obj=follow_up,
            fields=["ended_on", "end_reason"],
            previous=previous,
        )
    return follow_up
