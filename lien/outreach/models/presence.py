"""A team's time in the field: who, when, where."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class PresenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PresenceQuerySet":
        from lien.access import policy

        return policy.outreach_visible_to(user, self)

    def active(self) -> "PresenceQuerySet":
        return self.filter(archived_at__isnull=True)

    def under_way(self) -> "PresenceQuerySet":
        return self.filter(ended_at__isnull=True, archived_at__isnull=True)


class Presence(models.Model):
    """A session in the field (présence, tournée)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    date = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("workers")
    )
    territory = models.ForeignKey(
        "outreach.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presences",
        verbose_name=_("neighbourhood"),
    )
    places = models.ManyToManyField(
        "outreach.Place", blank=True, related_name="presences", verbose_name=_("places visited")
    )
    atmosphere = models.CharField(_("atmosphere"), max_length=200, blank=True)
    logbook = EncryptedTextField(_("logbook"), blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Generated when the start form is shown: the same start sent twice starts one presence.
    # Empty for presences started before it existed, or by code rather than the form.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = PresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-started_at"], name="presence_team_idx"),
            # Hours of presence of a neighbourhood in a period, per team.
            models.Index(fields=["territory", "team", "started_at"], name="presence_territory_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="presence_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["organisation", "client_token"], name="presence_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.territory or ''}".strip()

    @property
    def is_under_way(self) -> bool:
        return self.ended_at is None and self.archived_at is None
