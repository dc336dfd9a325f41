"""Appointments and the per-user calendar feed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "AppointmentQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.appointments_visible_to(user, self, person=person)

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
