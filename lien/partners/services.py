"""Every write to partners and their contacts goes through here: in a transaction, audited."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.changes import apply_changes
from lien.audit.services import record, record_each
from lien.core.versioning import claim_version
from lien.partners.models import Partner, PartnerContact

# Fields a form or an import may write; the rest is set by the services themselves.
PARTNER_FIELDS = (
    "name",
    "sector",
    "address",
    "postcode",
    "commune",
    "services",
    "opening_hours",
    "languages",
    "phone",
    "email",
    "website",
    "notes",
)
CONTACT_FIELDS = ("full_name", "role", "phone", "email", "notes")

DUPLICATE_NAME = _("A partner with this name already exists.")


def name_key(name: str) -> str:
    """What makes two partner names the same: case and spacing do not count. Compared in
    Python, because SQLite's LOWER() folds ASCII letters only ("ÉCOLE" / "école")."""
    return " ".join(name.casefold().split())


def existing_name_keys(organisation_id: int, *, exclude: Partner | None = None) -> set[str]:
    names = Partner.objects.active().filter(organisation_id=organisation_id)
    if exclude is not None:
        names = names.exclude(pk=exclude.pk)
    return {name_key(name) for name in names.values_list("name", flat=True)}


def _require(by: User, perm: str) -> None:
    if not policy.has_perm(by, perm):
        raise PermissionDenied(f"{perm} is needed")


def _apply(instance, fields: Iterable[str], data: dict, previous: dict | None = None) -> set[str]:
    """Set the fields `data` changes; `previous` (when given) receives the values replaced."""
    changed, replaced = apply_changes(instance, data, fields)
    if previous is not None:
        previous.update(replaced)
    return set(changed)


def _check_name_free(partner: Partner) -> None:
    taken = existing_name_keys(partner.organisation_id, exclude=partner if partner.pk else None)
    if name_key(partner.name) in taken:
        raise ValidationError({"name": DUPLICATE_NAME}, code="duplicate")


def _save(instance) -> None:
    """Save, turning a lost race on the unique name into the same message as the check."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError({"name": DUPLICATE_NAME}, code="duplicate") from exc


def create_partner(*, by: User, data: dict) -> Partner:
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        partner = Partner(organisation_id=by.organisation_id, created_by=by)
        changed = _apply(partner, PARTNER_FIELDS, data)
        _check_name_free(partner)
        _save(partner)
        record(action="partner.created", actor=by, obj=partner, fields=changed)
    return partner


def update_partner(*, by: User, partner: Partner, version: int, data: dict) -> Partner:
    """Raises EditConflict if someone saved the partner since `version` was read."""
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        claim_version(partner, expected=version)
        previous: dict = {}
        changed = _apply(partner, PARTNER_FIELDS, data, previous)
        if "name" in changed:
            _check_name_free(partner)
        _save(partner)
        record(action="partner.changed", actor=by, obj=partner, fields=changed, previous=previous)
    return partner


def archive_partner(*, by: User, partner: Partner) -> Partner:
    """Take a partner out of the directory; its record and contacts stay, for history."""
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        if partner.archived_at is None:
            partner.archived_at = timezone.now()
            partner.version += 1
            partner.save(update_fields=["archived_at", "version"])
            record(action="partner.archived", actor=by, obj=partner, fields=["archived_at"])
    return partner


def add_contact(*, by: User, partner: Partner, data: dict) -> PartnerContact:
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        contact = PartnerContact(
            organisation_id=partner.organisation_id, partner=partner, created_by=by
        )
        changed = _apply(contact, CONTACT_FIELDS, data)
        contact.save()
        record(action="partner_contact.created", actor=by, obj=contact, fields=changed)
    return contact


def update_contact(
    *, by: User, contact: PartnerContact, version: int, data: dict
) -> PartnerContact:
    """Raises EditConflict if someone saved the contact since `version` was read."""
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        claim_version(contact, expected=version)
        previous: dict = {}
        changed = _apply(contact, CONTACT_FIELDS, data, previous)
        contact.save()
        record(
            action="partner_contact.changed",
            actor=by,
            obj=contact,
            fields=changed,
            previous=previous,
        )
    return contact


def archive_contact(*, by: User, contact: PartnerContact) -> PartnerContact:
    _require(by, Perm.MANAGE_PARTNERS)
    with transaction.atomic():
        if contact.archived_at is None:
            contact.archived_at = timezone.now()
            contact.version += 1
            contact.save(update_fields=["archived_at", "version"])
            record(action="partner_contact.archived", actor=by, obj=contact, fields=["archived_at"])
    return contact


def field_problems(partner: Partner) -> list[str]:
    """What is wrong with a partner's fields (lengths, email, website, sector), as sentences."""
    try:
        partner.clean_fields(exclude=["organisation", "created_by"])
    except ValidationError as exc:
        return [
            f"{capfirst(Partner._meta.get_field(name).verbose_name)}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


@dataclass(frozen=True)
class Skipped:
    row: int
    name: str
    reason: str


@dataclass
class ImportResult:
    imported: list[Partner] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def import_partners(*, by: User, rows: list[tuple[int, dict]]) -> ImportResult:
    """Create one partner per (row number, data) pair, all or nothing.

    The rows come from a preview the user confirmed; the directory may have changed since,
    so a name taken meanwhile (or twice in `rows`) is skipped and reported, never merged.
    A row breaking a field's rule (checked by the preview already) is skipped the same way.
    """
    _require(by, Perm.MANAGE_PARTNERS)
    result = ImportResult()
    with transaction.atomic():
        taken = existing_name_keys(by.organisation_id)
        partners = []
        for number, data in rows:
            partner = Partner(organisation_id=by.organisation_id, created_by=by)
            _apply(partner, PARTNER_FIELDS, data)
            key = name_key(partner.name)
            if key in taken:
                result.skipped.append(Skipped(number, partner.name, str(DUPLICATE_NAME)))
                continue
            problems = field_problems(partner)
            if problems:
                result.skipped.append(Skipped(number, partner.name, " ".join(problems)))
                continue
            taken.add(key)
            partners.append(partner)
        try:
            with transaction.atomic():
                Partner.objects.bulk_create(partners, batch_size=500)
        except IntegrityError as exc:
            raise ValidationError(DUPLICATE_NAME, code="duplicate") from exc
        record_each(
            action="partner.imported",
            actor=by,
            changes=[(p, [f for f in PARTNER_FIELDS if getattr(p, f)]) for p in partners],
        )
        result.imported = partners
    return result
