"""Consents, referrals to partners and the person's circle: writes, in a transaction, audited."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.changes import apply_changes
from lien.audit.services import record
from lien.casework.models import CircleMember, Consent, Referral
from lien.core.versioning import claim_version
from lien.partners.models import Partner
from lien.people.models import Person


def _same_organisation(person: Person, *others) -> None:
    for other in others:
        if other is not None and other.organisation_id != person.organisation_id:
            raise PermissionDenied("records of two organisations cannot be linked")


def record_consent(
    *,
    by: User,
    person: Person,
    scope: str,
    partner: Partner | None,
    given_on: datetime.date,
    note: str = "",
) -> Consent:
    if not policy.has_perm(by, Perm.MANAGE_REFERRALS):
        raise PermissionDenied
    _same_organisation(person, partner)
    with transaction.atomic():
        consent = Consent.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            scope=scope,
            partner=partner if scope == Consent.Scope.SHARING else None,
            given_on=given_on,
            note=note,
            recorded_by=by,
        )
        record(action="consent.recorded", actor=by, obj=person, fields=["consent", scope])
    return consent


def withdraw_consent(*, by: User, consent: Consent, on: datetime.date) -> Consent:
    if not policy.has_perm(by, Perm.MANAGE_REFERRALS):
        raise PermissionDenied
    if on < consent.given_on:
        raise ValidationError(_("A consent cannot be withdrawn before it was given."))
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is None or on < consent.withdrawn_on:
            previous = {"withdrawn_on": consent.withdrawn_on}
            consent.withdrawn_on = on
            consent.save(update_fields=["withdrawn_on"])
            record(
                action="consent.withdrawn",
                actor=by,
                obj=consent.person,
                fields=["consent", consent.scope],
                previous=previous,
            )
    return consent


def consent_for(*, person: Person, partner: Partner, on: datetime.date) -> Consent | None:
    """The person's consent in force to share with this partner, if any."""
    return (
        Consent.objects.filter(person=person, partner=partner, scope=Consent.Scope.SHARING)
        .in_force(on=on)
        .order_by("-given_on", "-pk")
        .first()
    )


def refer(
    *,
    by: User,
    person: Person,
    partner: Partner,
    reason: str,
    referred_on: datetime.date,
    accompanied: bool,
    consent_now: bool = False,
    override_reason: str = "",
) -> Referral:
    """Refer a person to a partner. Sharing needs the person's consent in force for that
    partner — recorded before, or given now (`consent_now`); without it, only a right of its
    own and a written reason let it go ahead."""
    if not policy.has_perm(by, Perm.MANAGE_REFERRALS):
        raise PermissionDenied
    _same_organisation(person, partner)
    with transaction.atomic():
        if consent_now:
            record_consent(
                by=by,
                person=person,
                scope=Consent.Scope.SHARING,
                partner=partner,
                given_on=referred_on,
            )
        return _refer(
            by=by,
            person=person,
            partner=partner,
            reason=reason,
            referred_on=referred_on,
            accompanied=accompanied,
            override_reason=override_reason,
        )


def _refer(*, by, person, partner, reason, referred_on, accompanied, override_reason):
    consent = consent_for(person=person, partner=partner, on=referred_on)
    override_reason = override_reason.strip()
    if consent is None:
        if not policy.has_perm(by, Perm.OVERRIDE_CONSENT):
            raise ValidationError(
                _("%(name)s has no consent in force to share with %(partner)s.")
                % {"name": person, "partner": partner}
            )
        if not override_reason:
            raise ValidationError(_("Say why this referral goes ahead without consent."))
    else:
        override_reason = ""
    reminder = datetime.timedelta(days=settings.LIEN_REFERRAL_REMINDER_DAYS)
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            partner=partner,
            reason=reason,
            referred_on=referred_on,
            accompanied=accompanied,
            remind_on=referred_on + reminder,
            consent=consent,
            consent_override_reason=override_reason,
            created_by=by,
        )
        record(
            action="referral.created",
            actor=by,
            obj=referral,
            fields=["partner", "reason", "accompanied"],
        )
        if consent is None:
            record(
                action="referral.consent_overridden",
                actor=by,
                obj=referral,
                fields=["consent_override_reason"],
            )
    return referral


REFERRAL_ANSWER_FIELDS = ("status", "refusal_reason", "outcome", "remind_on")


def answer_referral(*, by: User, referral: Referral, version: int, data: dict) -> Referral:
    """Record the partner's answer or the outcome (status, refusal reason, outcome)."""
    if not policy.has_perm(by, Perm.MANAGE_REFERRALS):
        raise PermissionDenied
    if data.get("status") == Referral.Status.REFUSED and not data.get("refusal_reason"):
        raise ValidationError(_("Give the reason for the refusal."))
    with transaction.atomic():
        claim_version(referral, expected=version)
        changed, previous = apply_changes(referral, data, REFERRAL_ANSWER_FIELDS)
        referral.save()
        record(action="referral.changed", actor=by, obj=referral, fields=changed, previous=previous)
    return referral


CIRCLE_FIELDS = (
    "role",
    "colleague",
    "partner",
    "name",
    "phone",
    "email",
    "started_on",
    "ended_on",
    "last_contact_on",
)


def add_to_circle(*, by: User, person: Person, data: dict) -> CircleMember:
    if not policy.has_perm(by, Perm.MANAGE_CIRCLE):
        raise PermissionDenied
    _same_organisation(person, data.get("colleague"), data.get("partner"))
    with transaction.atomic():
        member = CircleMember(organisation_id=person.organisation_id, person=person, created_by=by)
        for field in CIRCLE_FIELDS:
            if field in data:
                setattr(member, field, data[field])
        member.save()
        record(
            action="circle.added",
            actor=by,
            obj=person,
            fields=[f for f in CIRCLE_FIELDS if data.get(f)],
        )
    return member


def update_circle_member(
    *, by: User, member: CircleMember, version: int, data: dict
) -> CircleMember:
    if not policy.has_perm(by, Perm.MANAGE_CIRCLE):
        raise PermissionDenied
    _same_organisation(member.person, data.get("colleague"), data.get("partner"))
    with transaction.atomic():
        claim_version(member, expected=version)
        changed, previous = apply_changes(member, data, CIRCLE_FIELDS)
        member.save()
        record(
            action="circle.changed",
            actor=by,
            obj=member.person,
            fields=changed,
            previous=previous,
        )
    return member


def archive_circle_member(*, by: User, member: CircleMember) -> None:
    """Take an entry made by mistake off the circle (it stays in the database)."""
    if not policy.has_perm(by, Perm.MANAGE_CIRCLE):
        raise PermissionDenied
    with transaction.atomic():
        updated = CircleMember.objects.filter(pk=member.pk, archived_at__isnull=True).update(
            archived_at=timezone.now()
        )
        if updated:
            record(action="circle.archived", actor=by, obj=member.person, fields=["circle"])
