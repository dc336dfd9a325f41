"""Procedures under way with or for a person, with the CPAS legal deadlines."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "ProcedureQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.procedures_visible_to(user, self, person=person)

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
            # CPAS requests still waiting for their decision, per person: Today looks them up
            # for each person followed without reading every procedure of these people.
            models.Index(
                fields=["person", "cpas_received_on"],
                condition=Q(cpas_notified_on__isnull=True, cpas_received_on__isnull=False),
                name="procedure_cpas_waiting_idx",
            ),
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
        from lien.casework.deadlines import safe_cpas_deadlines

        return safe_cpas_deadlines(
            received_on=self.cpas_received_on, notified_on=self.cpas_notified_on
        )


# Appointments, the agenda and its calendar feed.
