"""A team follows a person: what lets the team see the file."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(ended_on__isnull=True)

    def granting_visibility(self, *, on=None) -> "FollowUpQuerySet":
        """Open follow-ups, and closed ones still inside the visibility period after their end."""
        today = on or timezone.localdate()
        cutoff = today - settings.LIEN_VISIBILITY_AFTER_FOLLOW_UP
        # One comparison instead of "no end or ended after": SQLite answered the OR with two
        # index passes merged through a row set, 33 ms for a coordinator's 2,000 follow-ups at
        # bench scale 100 instead of under one (PostgreSQL reads the same team range either way).
        return self.alias(visible_until=Coalesce("ended_on", Value(datetime.date.max))).filter(
            visible_until__gte=cutoff
        )


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
    # The person's last contact, or the day their file was opened if none yet; empty when they
    # are not in the active file. A copy, kept by `lien.casework.contacts`, so that Today
    # lists the people a team has not seen from the team's follow-ups in this order (about
    # 2,000 people read one by one otherwise, for a coordinator at bench scale 100).
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            models.Index(
                fields=["team", "last_seen_at", "person"],
                condition=Q(ended_on__isnull=True),
                name="followup_team_seen_idx",
            ),
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

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        if not adding and kwargs.get("update_fields") is None:
            # The copy of the last contact is moved by UPDATEs of its own: saving a follow-up
            # read earlier must not put an older date back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "last_seen_at"
            ]
        super().save(*args, **kwargs)
        if adding and self.last_seen_at is None:
            from lien.casework import contacts
            from lien.people.models import Person

            # From the database: the person object at hand may predate a contact just made.
            contacts.copy_to_follow_ups(Person.objects.all(), FollowUp.objects.filter(pk=self.pk))
