"""Writes for collective projects: in a transaction, validated, audited (field names only)."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.audit.changes import apply_changes, related_text
from lien.audit.services import record
from lien.core.versioning import claim_version
from lien.people.models import Person
from lien.projects.models import (
    Activity,
    AnonymousParticipants,
    CollectiveProject,
    Participation,
)

PROJECT_FIELDS = ("title", "goals", "public", "status", "starts_on", "ends_on")
ACTIVITY_FIELDS = ("kind", "date", "end_date", "place", "evaluation")


def _require(by: User, perm: str) -> None:
    if not policy.has_perm(by, perm):
        raise PermissionDenied(perm)


def _check_partners(by: User, partners) -> list:
    partners = list(partners)
    if any(p.organisation_id != by.organisation_id for p in partners):
        raise PermissionDenied("partner of another organisation")
    return partners


def _check_project(project: CollectiveProject) -> None:
    if len(project.goals or "") > CollectiveProject.TEXT_MAX_LENGTH:
        raise ValidationError(_("The goals are too long."))
    if project.ends_on is not None and project.ends_on < project.starts_on:
        raise ValidationError(_("The project ends after it starts."))
    if project.pk is None:
        return
    outside = Q(date__lt=project.starts_on)
    if project.ends_on is not None:
        outside |= Q(date__gt=project.ends_on) | Q(end_date__gt=project.ends_on)
    if Activity.objects.active().filter(outside, project=project).exists():
        raise ValidationError(
            _("Some activities of this project fall outside these dates: change them first.")
        )


def create_project(
    *, by: User, team: Team, data: Mapping, partners: Iterable = ()
) -> CollectiveProject:
    _require(by, Perm.MANAGE_PROJECTS)
    if team.organisation_id != by.organisation_id or not policy.my_teams(
        by, Team.objects.filter(pk=team.pk)
    ):
        raise PermissionDenied("team of another organisation or not the user's")
    partners = _check_partners(by, partners)
    with transaction.atomic():
        project = CollectiveProject(organisation_id=by.organisation_id, team=team, created_by=by)
        for field in PROJECT_FIELDS:
            if field in data:
                setattr(project, field, data[field])
        _check_project(project)
        project.save()
        project.partners.set(partners)
        filled = [f for f in PROJECT_FIELDS if data.get(f)]
        record(
            action="project.created",
            actor=by,
            obj=project,
            fields=filled + ["team"] + (["partners"] if partners else []),
        )
    return project


def update_project(
    *, by: User, project: CollectiveProject, version: int, data: Mapping, partners: Iterable
) -> CollectiveProject:
    _require(by, Perm.MANAGE_PROJECTS)
    partners = _check_partners(by, partners)
    with transaction.atomic():
        claim_version(project, expected=version)
        changed, previous = apply_changes(project, data, PROJECT_FIELDS)
        _check_project(project)
        project.save()
        before = list(project.partners.all())
        if {p.pk for p in partners} != {p.pk for p in before}:
            project.partners.set(partners)
            changed.append("partners")
            previous["partners"] = related_text(before)
        record(action="project.changed", actor=by, obj=project, fields=changed, previous=previous)
    return project


def archive_project(*, by: User, project: CollectiveProject) -> CollectiveProject:
    _require(by, Perm.MANAGE_PROJECTS)
    with transaction.atomic():
        updated = CollectiveProject.objects.filter(pk=project.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), version=project.version + 1
        )
        project.refresh_from_db(fields=["archived_at", "version"])
        if updated:
            record(action="project.archived", actor=by, obj=project, fields=["archived_at"])
    return project


def _check_activity(activity: Activity) -> None:
    if len(activity.evaluation or "") > CollectiveProject.TEXT_MAX_LENGTH:
        raise ValidationError(_("The evaluation is too long."))
    if activity.kind != Activity.Kind.STAY:
        activity.end_date = None
    elif activity.end_date is not None and activity.end_date <= activity.date:
        raise ValidationError(_("A stay ends after the day it starts."))
    project = activity.project
    if not project.covers(activity.date) or not project.covers(activity.last_day):
        raise ValidationError(_("An activity takes place within the project's dates."))


def add_activity(*, by: User, project: CollectiveProject, data: Mapping) -> Activity:
    _require(by, Perm.MANAGE_PROJECTS)
    if project.organisation_id != by.organisation_id:
        raise PermissionDenied("project of another organisation")
    with transaction.atomic():
        activity = Activity(organisation_id=by.organisation_id, project=project, created_by=by)
        for field in ACTIVITY_FIELDS:
            if field in data:
                setattr(activity, field, data[field])
        _check_activity(activity)
        activity.save()
        filled = [f for f in ACTIVITY_FIELDS if data.get(f)]
        record(action="activity.created", actor=by, obj=activity, fields=filled)
    return activity


def update_activity(*, by: User, activity: Activity, version: int, data: Mapping) -> Activity:
    _require(by, Perm.MANAGE_PROJECTS)
    with transaction.atomic():
        claim_version(activity, expected=version)
        changed, previous = apply_changes(activity, data, ACTIVITY_FIELDS)
        _check_activity(activity)
        activity.save()
        record(action="activity.changed", actor=by, obj=activity, fields=changed, previous=previous)
    return activity


def record_attendance(
    *,
    by: User,
    activity: Activity,
    listed: Iterable[Person],
    attended: Iterable[Person],
    counts: Mapping[tuple[str, str], int],
) -> None:
    """Set who of `listed` came (the others stay registered as absent) and the anonymous
    counts by (age band, gender). Every person must be one the user sees; people the user does
    not see keep their participation untouched."""
    _require(by, Perm.MANAGE_PROJECTS)
    listed = {p.pk: p for p in listed}
    attended_ids = {p.pk for p in attended}
    visible = set(
        Person.objects.visible_to(by)
        .filter(pk__in=set(listed) | attended_ids)
        .values_list("pk", flat=True)
    )
    if (set(listed) | attended_ids) - visible:
        raise PermissionDenied("a person the user may not see")
    if not attended_ids <= set(listed):
        raise ValidationError(_("Only people listed can be marked present."))
    for count in counts.values():
        if not 0 <= count <= AnonymousParticipants.MAX_COUNT:
            raise ValidationError(
                _("Give a number between 0 and %(max)d.") % {"max": AnonymousParticipants.MAX_COUNT}
            )
    with transaction.atomic():
        existing = {
            p.person_id: p
            for p in Participation.objects.select_for_update().filter(
                activity=activity, person_id__in=listed
            )
        }
        changed_people = False
        new = []
        for person_id in listed:
            came = person_id in attended_ids
            participation = existing.get(person_id)
            if participation is None:
                if came:
                    new.append(
                        Participation(
                            organisation_id=activity.organisation_id,
                            activity=activity,
                            person_id=person_id,
                            attended=True,
                        )
                    )
            elif participation.attended != came:
                participation.attended = came
                participation.save(update_fields=["attended"])
                changed_people = True
        Participation.objects.bulk_create(new)
        changed_counts = False
        current = {
            (row.age_band, row.gender): row
            for row in AnonymousParticipants.objects.filter(activity=activity)
        }
        for cell, count in counts.items():
            row = current.get(cell)
            if row is None and count:
                AnonymousParticipants.objects.create(
                    organisation_id=activity.organisation_id,
                    activity=activity,
                    age_band=cell[0],
                    gender=cell[1],
                    count=count,
                )
                changed_counts = True
            elif row is not None and row.count != count:
                row.count = count
                row.save(update_fields=["count"])
                changed_counts = True
        fields = (["participants"] if new or changed_people else []) + (
            ["anonymous_counts"] if changed_counts else []
        )
        if fields:
            record(action="attendance.recorded", actor=by, obj=activity, fields=fields)


def record_attendance_read(*, by: User, activity: Activity) -> None:
    """The attendance page names people: a read of personal data."""
    record(action="attendance.viewed", actor=by, obj=activity, fields=["participants"])
