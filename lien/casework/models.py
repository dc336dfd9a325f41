import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedBinaryField, EncryptedTextField


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(ended_on__isnull=True)

    def granting_visibility(self, *, on=None) -> "FollowUpQuerySet":
        """Open follow-ups, and closed ones still inside the visibility period after their end."""
        today = on or timezone.localdate()
        cutoff = today - settings.LIEN_VISIBILITY_AFTER_FOLLOW_UP
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff))


class FollowUp(models.Model):
    """A team follows a person: the source of the team's right to see the person's file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="follow_ups")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="follow_ups")
    started_on = models.DateField(_("start"), default=timezone.localdate)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    reason = models.CharField(_("reason for the follow-up"), max_length=300, blank=True)
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="referent_of",
        verbose_name=_("referents"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["team", "ended_on", "person"], name="followup_team_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=Q(ended_on__isnull=True),
                name="followup_one_open_per_team",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="followup_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.person}"


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JournalEntryQuerySet":
        from lien.access import policy

        return policy.journal_entries_visible_to(user, self)


class JournalEntry(models.Model):
    """A note or an interview about a person. Its text is encrypted at rest."""

    MAX_LENGTH = 20_000

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        INTERVIEW = "interview", _("Interview")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        HOME_VISIT = "home_visit", _("Home visit")
        STREET = "street", _("In the street")
        VIDEO = "video", _("Video call")
        LETTER = "letter", _("Letter or email")

    class Visibility(models.TextChoices):
        TEAM = "team", _("Team (social workers of the following teams)")
        SHARED = "shared", _("Shared (also house managers)")
        PRIVATE = "private", _("Private (only me)")

    class Section(models.TextChoices):
        GENERAL = "general", _("General")
        HEALTH = "health", _("Health")
        ADDICTIONS = "addictions", _("Addictions")
        JUSTICE = "justice", _("Justice")
        RESIDENCE = "residence", _("Residence status")

    SENSITIVE_SECTIONS = frozenset({"health", "addictions", "justice", "residence"})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="journal_entries"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON
    )
    visibility = models.CharField(
        _("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.TEAM
    )
    section = models.CharField(
        _("section"), max_length=12, choices=Section.choices, default=Section.GENERAL
    )
    text = EncryptedTextField(_("text"))
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="journal_person_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def is_sensitive(self) -> bool:
        return self.section in self.SENSITIVE_SECTIONS


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProcedureQuerySet":
        from lien.access import policy

        return policy.procedures_visible_to(user, self)

    def pending(self) -> "ProcedureQuerySet":
        return self.filter(status__in=Procedure.PENDING_STATUSES, archived_at__isnull=True)

    def due_by(self, day) -> "ProcedureQuerySet":
        """Pending with a due date on or before `day` (overdue ones included)."""
        return self.pending().filter(due_on__lte=day)

    def cpas_decision_due_by(self, day) -> "ProcedureQuerySet":
        """Pending CPAS requests whose legal decision date falls on or before `day` and whose
        decision has not been notified yet."""
        from django.conf import settings

        days = settings.LIEN_CPAS_RULES["decision_days"]
        return self.pending().filter(
            cpas_notified_on__isnull=True,
            cpas_received_on__lte=day - datetime.timedelta(days=days),
        )


class Procedure(models.Model):
    """A step taken with or for a person: a CPAS request, a health-insurance file, papers…"""

    class Domain(models.TextChoices):
        IDENTITY = "identity", _("Identity and residence")
        CPAS = "cpas", _("CPAS")
        HEALTH_INSURANCE = "health_insurance", _("Health insurance")
        MOBILITY = "mobility", _("Mobility")
        FINANCES = "finances", _("Finances and debts")
        HOUSING = "housing", _("Housing")
        EMPLOYMENT = "employment", _("Employment and training")
        JUSTICE = "justice", _("Justice")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING_PARTNER = "waiting_partner", _("Waiting for a partner")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    PENDING_STATUSES = (Status.TODO, Status.IN_PROGRESS, Status.WAITING_PARTNER)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="procedures")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    title = models.CharField(_("what"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.TODO
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("partner"),
    )
    # An organisation not (yet) in the partner directory.
    partner_name = models.CharField(_("other organisation"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=1000, blank=True)
    # A CPAS request: the receipt date starts the legal deadlines (DOMAIN.md §2).
    cpas_received_on = models.DateField(_("CPAS receipt date"), null=True, blank=True)
    cpas_notified_on = models.DateField(_("decision notified on"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = [F("due_on").asc(nulls_last=True), "-pk"]
        indexes = [
            models.Index(fields=["responsible", "status", "due_on"], name="procedure_mine_idx"),
            models.Index(fields=["person", "status"], name="procedure_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpas_notified_on__isnull=True)
                | Q(cpas_received_on__isnull=False, cpas_notified_on__gte=F("cpas_received_on")),
                name="procedure_notified_after_receipt",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES and self.archived_at is None

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_pending and self.due_on and self.due_on < timezone.localdate())

    @property
    def deadlines(self):
        from lien.casework.deadlines import cpas_deadlines

        return cpas_deadlines(received_on=self.cpas_received_on, notified_on=self.cpas_notified_on)


# Appointments, the agenda and its calendar feed.


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppointmentQuerySet":
        from lien.access import policy

        return policy.appointments_visible_to(user, self)

    def active(self) -> "AppointmentQuerySet":
        return self.filter(archived_at__isnull=True)

    def attended_by(self, user) -> "AppointmentQuerySet":
        attended = Appointment.workers.through.objects.filter(user_id=user.pk)
        return self.filter(pk__in=attended.values("appointment_id"))

    def overlapping(self, start, end) -> "AppointmentQuerySet":
        """Appointments that take place, at least in part, in [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Appointment(models.Model):
    """A meeting at a given time: with a person, with a partner, both, or the team alone."""

    NOTE_MAX_LENGTH = 2_000

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed (absent)")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("person"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("partner"),
    )
    title = models.CharField(_("what"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Free text about a person's appointment may be sensitive: encrypted like journal notes.
    note = EncryptedTextField(_("note"), blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="appointments_attended",
        verbose_name=_("who attends"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="appointment_org_time_idx"),
            models.Index(fields=["person", "starts_at"], name="appointment_person_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED and self.archived_at is None


class CalendarFeedToken(models.Model):
    """A secret address at which a calendar application reads one user's appointments.

    Only a SHA-256 digest of the token is stored: the address is shown once, when created.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


# Documents: metadata here, the encrypted bytes in a table of their own.


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        from lien.access import policy

        return policy.documents_visible_to(user, self)


class Document(models.Model):
    """A file attached to a person's file (an ID scan, a CPAS decision, a certificate)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-uploaded_at"], name="document_person_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentContent(models.Model):
    """The bytes of a document, encrypted (Fernet, the keys of lien.core.crypto)."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="content"
    )
    data = EncryptedBinaryField()

    class Meta:
        verbose_name = _("document content")
        verbose_name_plural = _("document contents")

    def __str__(self) -> str:
        return str(self.document_id)


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ConsentQuerySet":
        from lien.access import policy

        return policy.consents_visible_to(user, self)

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
    def visible_to(self, user) -> "ReferralQuerySet":
        from lien.access import policy

        return policy.referrals_visible_to(user, self)

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
    def visible_to(self, user) -> "CircleMemberQuerySet":
        from lien.access import policy

        return policy.circle_visible_to(user, self)

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


class PathwayTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PathwayTemplateQuerySet":
        from lien.access import policy

        return policy.pathways_visible_to(user, self)

    def active(self) -> "PathwayTemplateQuerySet":
        return self.filter(archived_at__isnull=True)


class PathwayTemplate(models.Model):
    """Tasks an event sets in motion: "a new follow-up: bilan social within 7 days"."""

    class Event(models.TextChoices):
        FOLLOW_UP_OPENED = "follow_up_opened", _("A team starts following a person")
        HOUSE_ARRIVAL = "house_arrival", _("A resident arrives in a house")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    event = models.CharField(_("when"), max_length=20, choices=Event.choices)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for this team"),
        help_text=_("Leave empty for every team."),
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PathwayTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        ordering = ["event", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "event"], name="pathway_org_event_idx")]

    def __str__(self) -> str:
        return self.name


class PathwayStep(models.Model):
    """One task of a pathway: a procedure due `days_after` the event."""

    MAX_DAYS = 3650

    template = models.ForeignKey(PathwayTemplate, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("task"), max_length=200)
    domain = models.CharField(_("domain"), max_length=20, choices=Procedure.Domain.choices)
    days_after = models.PositiveSmallIntegerField(
        _("due after (days)"), validators=[MaxValueValidator(MAX_DAYS)]
    )
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        ordering = ["position", "days_after", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_after__lte=3650), name="pathway_step_days_bounded"
            )
        ]

    def __str__(self) -> str:
        return self.title
