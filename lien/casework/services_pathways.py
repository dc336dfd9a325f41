"""Pathway templates: tasks an event sets in motion, and applying them when it happens."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.audit.services import record
from lien.casework.models import PathwayStep, PathwayTemplate, Procedure
from lien.core.versioning import claim_version
from lien.people.models import Person

STEP_FIELDS = ("title", "domain", "days_after")


def _check(by: User, team: Team | None) -> None:
    if not policy.has_perm(by, Perm.MANAGE_PATHWAYS):
        raise PermissionDenied
    if team is not None and team.organisation_id != by.organisation_id:
        raise PermissionDenied("a team of another organisation")


def _write_steps(template: PathwayTemplate, steps: list[dict]) -> bool:
    """Keep the template's live steps equal to `steps` (each may carry the `step` it edits);
    steps taken out are archived, not deleted. Returns whether anything changed."""
    changed = False
    kept = set()
    for position, data in enumerate(steps):
        step = data.get("step")
        if step is None:
            step = PathwayStep(template=template)
        elif step.template_id != template.pk:
            raise PermissionDenied("a step of another template")
        values = {field: data[field] for field in STEP_FIELDS} | {"position": position}
        # A form may already have set its values on `step`: `changed` says it did.
        if (
            step.pk is None
            or data.get("changed")
            or any(getattr(step, f) != v for f, v in values.items())
        ):
            for field, value in values.items():
                setattr(step, field, value)
            step.save()
            changed = True
        kept.add(step.pk)
    removed = template.steps.filter(archived_at__isnull=True).exclude(pk__in=kept)
    changed |= bool(removed.update(archived_at=timezone.now()))
    return changed


def create_pathway(
    *, by: User, name: str, event: str, team: Team | None, steps: list[dict]
) -> PathwayTemplate:
    _check(by, team)
    with transaction.atomic():
        template = PathwayTemplate.objects.create(
            organisation_id=by.organisation_id, name=name, event=event, team=team, created_by=by
        )
        _write_steps(template, steps)
        record(action="pathway.created", actor=by, obj=template, fields=["name", "steps"])
    return template


def update_pathway(
    *,
    by: User,
    template: PathwayTemplate,
    version: int,
    name: str,
    event: str,
    team: Team | None,
    steps: list[dict],
) -> PathwayTemplate:
    _check(by, team)
    with transaction.atomic():
        claim_version(template, expected=version)
        changed = [
            field
            for field, value in (("name", name), ("event", event), ("team", team))
            if getattr(template, field) != value
        ]
        template.name, template.event, template.team = name, event, team
        template.save()
        if _write_steps(template, steps):
            changed.append("steps")
        record(action="pathway.changed", actor=by, obj=template, fields=changed)
    return template


def archive_pathway(*, by: User, template: PathwayTemplate) -> None:
    _check(by, None)
    with transaction.atomic():
        if PathwayTemplate.objects.filter(pk=template.pk, archived_at__isnull=True).update(
            archived_at=timezone.now()
        ):
            record(action="pathway.archived", actor=by, obj=template)


def apply_pathways(
    *, event: str, by: User, person: Person, team: Team | None, on: datetime.date
) -> list[Procedure]:
    """Create the due procedures of every active template for `event` (for every team, or
    for `team`). Call it inside the transaction of the event itself."""
    templates = (
        PathwayTemplate.objects.active()
        .filter(organisation_id=person.organisation_id, event=event)
        .filter(models_q_for_team(team))
        .prefetch_related("steps")
    )
    created = []
    for template in templates:
        for step in template.steps.all():
            if step.archived_at is not None:
                continue
            created.append(
                Procedure(
                    organisation_id=person.organisation_id,
                    person=person,
                    domain=step.domain,
                    title=step.title,
                    due_on=on + datetime.timedelta(days=step.days_after),
                    responsible=by,
                    created_by=by,
                )
            )
    if created:
        Procedure.objects.bulk_create(created)
        record(
            action="pathway.applied",
            actor=by,
            obj=person,
            # Domains (justice, health…) can be sensitive: name the kind of record only.
            fields=["procedures"],
        )
    return created


def models_q_for_team(team: Team | None):
    from django.db.models import Q

    if team is None:
        return Q(team__isnull=True)
    return Q(team__isnull=True) | Q(team=team)
