"""Merging two files of the same person into one, and undoing it.

A merge moves every row that points at the absorbed person onto the kept one. The links are
found from Person's reverse relations at run time, so a model another app adds later (a
journal entry, an appointment, an encounter…) is carried over without a change here. What was
moved is written down in a PersonMerge row, which is what makes the merge undoable.
"""

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.services import record
from lien.casework import contacts
from lien.casework.models import FollowUp
from lien.core.versioning import claim_version
from lien.customfields.models import CustomField, CustomValue
from lien.people.models import Person, PersonMerge, PersonSearchKey, Relation
from lien.people.services import _index_names

# The identity values a user picks one by one, each with the columns that go with it.
IDENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "nickname": ("nickname",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "other_names": ("other_names",),
    "birth_date": ("birth_year", "birth_month", "birth_day"),
    "gender": ("gender",),
    "niss": ("niss", "niss_index", "niss_checksum_ok"),
    "nationality": ("nationality",),
    "languages": ("languages",),
    "phone": ("phone",),
    "email": ("email",),
    "address": ("address",),
    "residence_status": ("residence_status",),
    "alert": ("alert", "alert_note"),
}
KEEP, ABSORB = "kept", "absorbed"


class MergeRefused(Exception):
    """The merge (or its undo) cannot be done safely; the message says why, to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Link:
    """A foreign key to Person: rows of `model` whose `field` names the person."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


# Rows about the merge itself, or rebuilt from the names rather than moved.
_NOT_MOVED = {PersonMerge, PersonSearchKey}


def person_links() -> list[Link]:
    """Every foreign key to Person in the project.

    `Person._meta.related_objects` leaves out relations declared with related_name="+", so
    the public `get_fields(include_hidden=True)` is read instead: it also gives the foreign
    keys of many-to-many through tables, which is where many-to-many rows live.
    """
    links: dict[tuple[str, str], Link] = {}
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue  # a forward field of Person, not a relation pointing at it
        if relation.many_to_many:
            fields = [
                field
                for field in relation.through._meta.fields
                if field.is_relation and field.related_model is Person
            ]
        else:
            fields = [relation.field]
        for field in fields:
            link = Link(field.model, field)
            if link.model not in _NOT_MOVED:
                links[(link.label, field.name)] = link
    return [links[key] for key in sorted(links)]


def _unique_sets(link: Link) -> list[tuple[tuple[str, ...], Q | None]]:
    """The unique field sets of the model that include the link's field (with the condition
    of a partial unique constraint)."""
    meta, name = link.model._meta, link.field.name
    sets: list[tuple[tuple[str, ...], Q | None]] = []
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition))
    sets += [(tuple(together), None) for together in meta.unique_together if name in together]
    if link.field.unique:
        sets.append(((name,), None))
    return sets


def _clashing(link: Link, keep: Person, absorb: Person) -> set:
    """Keys of the absorbed person's rows that would break a unique rule once moved."""
    manager = link.model._base_manager
    name = link.field.name
    clashing: set = set()
    for fields, condition in _unique_sets(link):
        mine = manager.filter(**{name: absorb})
        theirs = manager.filter(**{name: keep})
        if condition is not None:
            mine, theirs = mine.filter(condition), theirs.filter(condition)
        same = {other: OuterRef(other) for other in fields if other != name}
        clashing |= set(mine.filter(Exists(theirs.filter(**same))).values_list("pk", flat=True))
    return clashing


def _check_may_merge(by: User, keep: Person, absorb: Person) -> None:
    if not policy.has_perm(by, Perm.MERGE_PERSONS):
        raise PermissionDenied("merging files needs its own right")
    visible = Person.objects.visible_to(by).filter(pk__in=[keep.pk, absorb.pk])
    if keep.pk == absorb.pk or visible.count() != 2:
        raise PermissionDenied("both files must be visible to the user")
    if keep.merged_into_id or absorb.merged_into_id:
        raise MergeRefused(_("One of these files was already merged into another one."))


def merge_persons(
    *,
    by: User,
    keep: Person,
    absorb: Person,
    choices: dict[str, str],
    keep_version: int | None = None,
    absorb_version: int | None = None,
) -> PersonMerge:
    """Make `absorb` part of `keep`: every record linked to `absorb` moves to `keep`, which
    takes the identity values `choices` names (field → KEEP or ABSORB); `absorb` is archived
    with a pointer to `keep`, never deleted. The versions, when given, are those the user saw.
    """
    _check_may_merge(by, keep, absorb)
    unknown = set(choices) - IDENTITY_FIELDS.keys()
    if unknown or set(choices.values()) - {KEEP, ABSORB}:
        raise ValueError(f"unknown merge choices {sorted(unknown) or choices}")
    try:
        with transaction.atomic():
            keep = Person.objects.select_for_update().get(pk=keep.pk)
            absorb = Person.objects.select_for_update().get(pk=absorb.pk)
            claim_version(keep, expected=keep.version if keep_version is None else keep_version)
            claim_version(
                absorb, expected=absorb.version if absorb_version is None else absorb_version
            )
            now = timezone.now()
            overwritten = _take_identity(keep, absorb, choices)
            changes = {
                "absorbed": {
                    "status": absorb.status,
                    "archived_at": absorb.archived_at.isoformat() if absorb.archived_at else None,
                },
                "follow_ups_ended": _end_duplicate_follow_ups(by, keep, absorb),
            }
            changes["relations_archived"], staying = _set_aside_relations(keep, absorb, now)
            changes["links_removed"], moved = _move_links(keep, absorb, staying)
            changes["custom_values_moved"] = _move_custom_values(keep, absorb)
            absorb.status = Person.Status.ARCHIVED
            absorb.archived_at = now
            absorb.merged_into = keep
            absorb.updated_at = now
            absorb.save()
            keep.updated_at = now
            keep.save()
            _index_names(keep)
            contacts.refresh([keep.pk, absorb.pk])
            merge = PersonMerge.objects.create(
                organisation_id=keep.organisation_id,
                kept=keep,
                absorbed=absorb,
                merged_by=by,
                merged_at=now,
                moved=moved,
                changes=changes,
                overwritten=json.dumps(overwritten, cls=DjangoJSONEncoder),
            )
            fields = sorted(overwritten) + sorted({entry["model"] for entry in moved})
            record(action="person.merged", actor=by, obj=keep, fields=fields)
            record(action="person.merged", actor=by, obj=absorb, fields=["merged_into", "status"])
    except IntegrityError as exc:
        raise MergeRefused(
            _("These two files hold records that cannot be combined; nothing was changed.")
        ) from exc
    return merge


def _take_identity(keep: Person, absorb: Person, choices: dict[str, str]) -> dict:
    """Give `keep` the values chosen from `absorb`; return {column: [before, after]}."""
    overwritten = {}
    for name, columns in IDENTITY_FIELDS.items():
        if choices.get(name) != ABSORB:
            continue
        for column in columns:
            before, after = getattr(keep, column), getattr(absorb, column)
            if before != after:
                overwritten[column] = [before, after]
                setattr(keep, column, after)
    return overwritten


def _end_duplicate_follow_ups(by: User, keep: Person, absorb: Person) -> list[dict]:
    """A team following both files keeps one follow-up: the kept person's stays open, the
    absorbed person's is ended (and moves over as history)."""
    teams = FollowUp.objects.filter(person=keep).open().values("team_id")
    ended = []
    for follow_up in FollowUp.objects.filter(person=absorb, team_id__in=teams).open():
        ended.append({"pk": follow_up.pk, "end_reason": follow_up.end_reason})
        follow_up.ended_on = max(timezone.localdate(), follow_up.started_on)
        follow_up.end_reason = _("Merged into another file of the same person.")
        follow_up.save(update_fields=["ended_on", "end_reason"])
        record(action="follow_up.ended", actor=by, obj=follow_up, fields=["ended_on"])
    return ended


def _set_aside_relations(keep: Person, absorb: Person, now) -> tuple[list[int], set[int]]:
    """Relations that cannot simply move: one between the two files (it would become a
    relation of the person with themselves) stays where it is, archived; one that the kept
    person already has with the same relative is archived, then moves as history.
    Returns (archived keys, keys that stay on the absorbed file)."""
    rows = Relation.objects.filter(Q(person=absorb) | Q(relative=absorb))
    staying = set(rows.filter(Q(person=keep) | Q(relative=keep)).values_list("pk", flat=True))
    kept_relatives = set()
    for person_id, relative_id in (
        Relation.objects.current()
        .filter(Q(person=keep) | Q(relative=keep))
        .values_list("person_id", "relative_id")
    ):
        kept_relatives.add(relative_id if person_id == keep.pk else person_id)
    archived = []
    for relation in rows.current():
        other = relation.relative_id if relation.person_id == absorb.pk else relation.person_id
        if relation.pk in staying or other in kept_relatives:
            archived.append(relation.pk)
    Relation.objects.filter(pk__in=archived).update(archived_at=now)
    return archived, staying


def _move_links(keep: Person, absorb: Person, staying: set[int]) -> tuple[list, list]:
    """Move every row pointing at `absorb` to `keep`. Returns (link rows removed, moved)."""
    removed, moved = [], []
    for link in person_links():
        manager, name = link.model._base_manager, link.field.name
        rows = manager.filter(**{name: absorb})
        if link.model is Relation:
            rows = rows.exclude(pk__in=staying)
        clashing = _clashing(link, keep, absorb)
        if clashing and link.model._meta.auto_created:
            # A many-to-many row the kept person already has (both files in one encounter):
            # the link is redundant; keep its values to put it back on undo.
            for values in manager.filter(pk__in=clashing).values():
                removed.append({"model": link.label, "values": values})
            manager.filter(pk__in=clashing).delete()
        elif clashing:
            raise MergeRefused(
                _(
                    "Both files hold %(records)s that cannot be combined. Change or archive "
                    "one of them, then merge again."
                )
                % {"records": link.model._meta.verbose_name_plural}
            )
        pks = sorted(rows.values_list("pk", flat=True))
        if not pks:
            continue
        try:
            with transaction.atomic():
                manager.filter(pk__in=pks).update(**{name: keep})
        except IntegrityError as exc:
            raise MergeRefused(
                _("Both files hold %(records)s that cannot be combined; nothing was changed.")
                % {"records": link.model._meta.verbose_name_plural}
            ) from exc
        moved.append({"model": link.label, "field": name, "pks": pks})
    return removed, moved


def _move_custom_values(keep: Person, absorb: Person) -> list[int]:
    """Custom values point at a person by key, not by a foreign key: move those of fields the
    kept file has no value for (a value the kept file has wins, as its identity does)."""
    on_person = CustomValue.objects.filter(field__entity=CustomField.Entity.PERSON)
    kept_fields = on_person.filter(object_id=keep.pk).values("field_id")
    moving = on_person.filter(object_id=absorb.pk).exclude(field_id__in=kept_fields)
    pks = list(moving.values_list("pk", flat=True))
    CustomValue.objects.filter(pk__in=pks).update(object_id=keep.pk)
    return pks


def undo_merge(*, by: User, merge: PersonMerge) -> PersonMerge:
    """Put everything back as it was before `merge`, and the absorbed file as it was.

    Refused (MergeRefused) when that is no longer safe: undone already, one of the two files
    merged again since, a record moved or gone since, or an identity value the merge set
    changed since (undoing would silently lose that change).
    """
    if not policy.has_perm(by, Perm.MERGE_PERSONS):
        raise PermissionDenied("undoing a merge needs the right to merge")
    if not Person.objects.visible_to(by).filter(pk=merge.kept_id).exists():
        raise PermissionDenied("the kept file must be visible to the user")
    try:
        with transaction.atomic():
            merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
            keep = Person.objects.select_for_update().get(pk=merge.kept_id)
            absorb = Person.objects.select_for_update().get(pk=merge.absorbed_id)
            overwritten = json.loads(merge.overwritten or "{}")
            _check_undo_is_safe(merge, keep, absorb, overwritten)
            claim_version(keep, expected=keep.version)
            claim_version(absorb, expected=absorb.version)
            for entry in merge.moved:
                model = apps.get_model(entry["model"])
                model._base_manager.filter(pk__in=entry["pks"]).update(**{entry["field"]: absorb})
            for entry in merge.changes.get("links_removed", []):
                apps.get_model(entry["model"])._base_manager.create(**entry["values"])
            # Values cleared on the kept file since the merge are gone from both: nothing to
            # put back for them.
            CustomValue.objects.filter(
                pk__in=merge.changes.get("custom_values_moved", []), object_id=keep.pk
            ).update(object_id=absorb.pk)
            for ended in merge.changes.get("follow_ups_ended", []):
                FollowUp.objects.filter(pk=ended["pk"]).update(
                    ended_on=None, end_reason=ended["end_reason"]
                )
            Relation.objects.filter(pk__in=merge.changes.get("relations_archived", [])).update(
                archived_at=None
            )
            for column, (before, _after) in overwritten.items():
                setattr(keep, column, before)
            previous = merge.changes["absorbed"]
            absorb.status = previous["status"]
            absorb.archived_at = (
                datetime.datetime.fromisoformat(previous["archived_at"])
                if previous["archived_at"]
                else None
            )
            absorb.merged_into = None
            now = timezone.now()
            absorb.updated_at = keep.updated_at = now
            absorb.save()
            keep.save()
            _index_names(keep)
            contacts.refresh([keep.pk, absorb.pk])
            merge.undone_at, merge.undone_by = now, by
            merge.save(update_fields=["undone_at", "undone_by"])
            record(action="person.merge_undone", actor=by, obj=keep, fields=sorted(overwritten))
            record(action="person.merge_undone", actor=by, obj=absorb, fields=["merged_into"])
    except IntegrityError as exc:
        raise MergeRefused(
            _("Undo is no longer possible: records changed since the merge clash with it.")
        ) from exc
    return merge


def _check_undo_is_safe(merge: PersonMerge, keep: Person, absorb: Person, overwritten) -> None:
    if merge.undone_at:
        raise MergeRefused(_("This merge was already undone."))
    later = PersonMerge.objects.not_undone().filter(pk__gt=merge.pk)
    both = [keep.pk, absorb.pk]
    if (
        later.filter(Q(kept_id__in=both) | Q(absorbed_id__in=both)).exists()
        or keep.merged_into_id
        or absorb.merged_into_id != keep.pk
    ):
        raise MergeRefused(
            _(
                "Undo is no longer possible: one of these files was merged again since. "
                "Undo that later merge first."
            )
        )
    changed = [
        str(Person._meta.get_field(column).verbose_name)
        for column, (_before, after) in overwritten.items()
        if getattr(keep, column) != after
    ]
    if changed:
        raise MergeRefused(
            _(
                "Undo is no longer possible without losing later changes to: %(fields)s. "
                "Put the merged values back first, or correct the file by hand."
            )
            % {"fields": ", ".join(sorted(set(changed)))}
        )
    for entry in merge.moved:
        try:
            model = apps.get_model(entry["model"])
        except LookupError:
            raise MergeRefused(_("Undo is no longer possible: a kind of record is gone.")) from None
        still = model._base_manager.filter(pk__in=entry["pks"], **{entry["field"]: keep})
        if still.count() != len(entry["pks"]):
            raise MergeRefused(
                _(
                    "Undo is no longer possible: some %(records)s moved or disappeared since "
                    "the merge."
                )
                % {"records": model._meta.verbose_name_plural}
            )


def linked_records(person: Person) -> list[tuple[str, int]]:
    """How many records of each kind point at the person: what a merge would move."""
    counts: dict[str, int] = {}
    for link in person_links():
        count = link.model._base_manager.filter(**{link.field.name: person}).count()
        if count:
            name = str(link.model._meta.verbose_name_plural)
            counts[name] = counts.get(name, 0) + count
    return sorted(counts.items())
