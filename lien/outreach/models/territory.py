"""Neighbourhoods and the places in them where street workers are present."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TerritoryQuerySet":
        from lien.access import policy

        return policy.outreach_vocabulary_visible_to(user, self)

    def active(self) -> "TerritoryQuerySet":
        return self.filter(archived_at__isnull=True)


class Territory(models.Model):
    """A neighbourhood (quartier / wijk) the organisation works in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_nl = models.CharField(_("name in Dutch"), max_length=120, blank=True)
    # An official code where one exists (IBSA monitoring of neighbourhoods), else blank.
    code = models.CharField(_("code"), max_length=20, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["name_fr", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_fr"], name="territory_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if translation.get_language() == "nl" and self.name_nl:
            return self.name_nl
        return self.name_fr


class PlaceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlaceQuerySet":
        from lien.access import policy

        return policy.outreach_vocabulary_visible_to(user, self)

    def active(self) -> "PlaceQuerySet":
        return self.filter(archived_at__isnull=True)


class Place(models.Model):
    """A park, a square, a station… where people are met."""

    class Kind(models.TextChoices):
        PARK = "park", _("Park")
        SQUARE = "square", _("Square")
        STATION = "station", _("Station")
        STREET = "street", _("Street")
        SHOP = "shop", _("Shop")
        SCHOOL = "school", _("School surroundings")
        SPORTS = "sports", _("Sports ground")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("neighbourhood"),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "territory", "name"], name="place_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
