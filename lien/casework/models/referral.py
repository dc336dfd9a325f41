"""Consents, referrals to partners, and the circle of workers around a person."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "ConsentQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.consents_visible_to(user, self, person=person)

    def in_force(self, *, on=None) -> "ConsentQuerySet":
        day = on or timezone.localdate()
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )


class Consent(models.Model):
    """What the person agreed to, and when: processing of their data, or sharing it with a
    named partner (which a referral needs). Withdrawn, never deleted."""

    class Scope(models.TextChoices):
        PROCESSING = "processing", _("Processing of their data by our organisation")
        SHARING = "sharing", _("Sharing information with a partner")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("partner"),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["person", "partner"], name="consent_person_partner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="processing", partner__isnull=True)
                | Q(scope="sharing", partner__isnull=False),
                name="consent_sharing_names_a_partner",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return self.get_scope_display()

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None or self.withdrawn_on > timezone.localdate()


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "ReferralQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.referrals_visible_to(user, self, person=person)

    def open(self) -> "ReferralQuerySet":
        return self.filter(
            status__in=[Referral.Status.PROPOSED, Referral.Status.ACCEPTED],
            archived_at__isnull=True,
        )

    def unanswered_by(self, day) -> "ReferralQuerySet":
        """Still proposed, with a reminder date on or before `day`."""
        return self.filter(
            status=Referral.Status.PROPOSED, remind_on__lte=day, archived_at__isnull=True
        )


class Referral(models.Model):
    """A person referred to a partner (orientation / relais), with the consent it relies on."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        DONE = "done", _("Done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner"),
    )
    reason = models.CharField(_("reason"), max_length=1000)
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    accompanied = models.BooleanField(_("accompanied"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=1000, blank=True)
    remind_on = models.DateField(_("remind me on"), null=True, blank=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # Set when the referral went ahead without a consent in force: who decided, and why.
    consent_override_reason = models.CharField(
        _("why without recorded consent"), max_length=500, blank=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "status", "remind_on"], name="referral_mine_idx"),
            models.Index(fields=["person", "-referred_on"], name="referral_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(consent_override_reason=""),
                name="referral_consent_or_override",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="referral_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.referred_on:%Y-%m-%d})"


class CircleMemberQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "CircleMemberQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.circle_visible_to(user, self, person=person)

    def current(self) -> "CircleMemberQuerySet":
        return self.filter(ended_on__isnull=True, archived_at__isnull=True)


class CircleMember(models.Model):
    """Someone who works with the person, inside the organisation (a colleague) or outside
    (a CPAS social worker, a doctor, a lawyer, a debt mediator…)."""

    class Role(models.TextChoices):
        REFERENT = "referent", _("Referent worker")
        CPAS_WORKER = "cpas_worker", _("CPAS social worker")
        DOCTOR = "doctor", _("Doctor")
        PSYCHIATRIST = "psy", _("Psychiatrist or psychologist")
        LAWYER = "lawyer", _("Lawyer")
        DEBT_MEDIATOR = "debt_mediator", _("Debt mediator")
        HOUSE_MANAGER = "house_manager", _("House manager")
        GUARDIAN = "guardian", _("Administrator or guardian")
        EMPLOYMENT = "employment", _("Employment or training adviser")
        OTHER = "other", _("Other")

    # Roles that reveal a health, justice or debt matter by themselves.
    SENSITIVE_ROLES = frozenset({"doctor", "psy", "lawyer", "debt_mediator", "guardian"})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="circle")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("colleague"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CircleMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member of the circle")
        verbose_name_plural = _("circle")
        ordering = ["ended_on", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colleague__isnull=False) | ~Q(name=""),
                name="circle_member_is_someone",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="circle_member_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.colleague_id:
            return self.colleague.full_name
        return self.name
