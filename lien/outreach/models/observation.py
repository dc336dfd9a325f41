"""What street workers observe in a neighbourhood or a place: the community diagnosis's raw
material (atmosphere, gatherings, recurring problems, resources)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class ObservationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObservationQuerySet":
        from lien.access import policy

        return policy.observations_visible_to(user, self)

    def active(self) -> "ObservationQuerySet":
        return self.filter(archived_at__isnull=True)


class Observation(models.Model):
    """One observation, in a neighbourhood (territory) and/or a place of it."""

    TEXT_MAX_LENGTH = 5000
    MAX_MEASURES = 10

    class Category(models.TextChoices):
        ATMOSPHERE = "atmosphere", _("Atmosphere")
        GATHERING = "gathering", _("Gathering")
        NUISANCE = "nuisance", _("Nuisance")
        CONFLICT = "conflict", _("Conflict")
        DRUG_USE = "drug_use", _("Drug use")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        RESOURCE = "resource", _("Resource")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    # The presence under way when it was written, if any.
    presence = models.ForeignKey(
        "outreach.Presence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("presence"),
    )
    territory = models.ForeignKey(
        "outreach.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("neighbourhood"),
    )
    place = models.ForeignKey(
        "outreach.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("place"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # May name or describe people (drug use, conflicts): encrypted like an encounter's note.
    text = EncryptedTextField(_("what was observed"))
    people_present = models.PositiveIntegerField(_("people present"), null=True, blank=True)
    # Free measures: {"label": number}, e.g. {"syringes found": 3}.
    measures = models.JSONField(_("other measures"), default=dict, blank=True)
    observed_at = models.DateTimeField(_("when"))
    # Generated with the form: the same form posted twice is one observation.
    client_token = models.UUIDField(editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-observed_at"], name="observation_team_idx"),
            models.Index(fields=["territory", "-observed_at"], name="observation_territory_idx"),
            models.Index(fields=["place", "-observed_at"], name="observation_place_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(territory__isnull=False) | Q(place__isnull=False),
                name="observation_has_a_location",
            ),
            models.UniqueConstraint(
                fields=["organisation", "client_token"], name="observation_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.observed_at:%Y-%m-%d %H:%M}"

    @property
    def location(self):
        """The place if known, else the neighbourhood."""
        return self.place or self.territory
