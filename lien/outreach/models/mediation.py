"""Mediation of conflicts in public space: who was involved, what was done, what came of it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class MediationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MediationQuerySet":
        from lien.access import policy

        return policy.mediations_visible_to(user, self)

    def active(self) -> "MediationQuerySet":
        return self.filter(archived_at__isnull=True)

    def follow_up_due_by(self, day) -> "MediationQuerySet":
        """Active mediations whose follow-up falls on or before `day` and is not done."""
        return self.active().filter(follow_up_on__lte=day, follow_up_done_at__isnull=True)


class Mediation(models.Model):
    TEXT_MAX_LENGTH = 5000
    MAX_PERSONS = 10

    class Nature(models.TextChoices):
        NUISANCE = "nuisance", _("Nuisance")
        PUBLIC_SPACE = "public_space", _("Use of public space")
        NEIGHBOURS = "neighbours", _("Neighbours")
        YOUTH_POLICE = "youth_police", _("Young people and police")
        SHOPS = "shops", _("Shops")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    presence = models.ForeignKey(
        "outreach.Presence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("presence"),
    )
    territory = models.ForeignKey(
        "outreach.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("neighbourhood"),
    )
    place = models.ForeignKey(
        "outreach.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("place"),
    )
    occurred_at = models.DateTimeField(_("when"))
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    # Anonymous descriptions of the parties ("two shopkeepers", "a group of young people").
    parties_description = EncryptedTextField(_("parties"), blank=True)
    persons = models.ManyToManyField(
        "people.Person", blank=True, related_name="mediations", verbose_name=_("people involved")
    )
    actions = EncryptedTextField(_("actions taken"), blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    client_token = models.UUIDField(editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-occurred_at"], name="mediation_team_idx"),
            models.Index(fields=["territory", "-occurred_at"], name="mediation_territory_idx"),
            models.Index(fields=["place", "-occurred_at"], name="mediation_place_idx"),
            models.Index(
                fields=["team", "follow_up_on"],
                condition=Q(follow_up_done_at__isnull=True, archived_at__isnull=True),
                name="mediation_follow_up_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(territory__isnull=False) | Q(place__isnull=False),
                name="mediation_has_a_location",
            ),
            models.UniqueConstraint(
                fields=["organisation", "client_token"], name="mediation_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def location(self):
        return self.place or self.territory
