"""Who street workers meet: named people and anonymous counts; drop-in passages."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lien.core.fields import EncryptedTextField


class Gender(models.TextChoices):
    FEMALE = "F", pgettext_lazy("gender", "Female")
    MALE = "M", pgettext_lazy("gender", "Male")
    OTHER = "X", pgettext_lazy("gender", "Other")
    UNKNOWN = "?", pgettext_lazy("gender", "Unknown")


class EncounterQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EncounterQuerySet":
        from lien.access import policy

        return policy.outreach_visible_to(user, self)

    def active(self) -> "EncounterQuerySet":
        return self.filter(archived_at__isnull=True)


class Encounter(models.Model):
    """One contact in the street (or by phone): named persons and/or anonymous counts."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street contact")
        RECEPTION = "reception", _("Informal reception")
        ACCOMPANIMENT = "accompaniment", _("Accompaniment")
        PHONE = "phone", _("Phone")

    Gender = Gender

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
        related_name="encounters",
        verbose_name=_("presence"),
    )
    place = models.ForeignKey(
        "outreach.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
        verbose_name=_("place"),
    )
    # The place's neighbourhood, else the presence's: copied when the encounter is written so
    # that a neighbourhood's figures are read from one index, not through two joins.
    territory = models.ForeignKey(
        "outreach.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
        verbose_name=_("neighbourhood"),
    )
    occurred_at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STREET)
    persons = models.ManyToManyField(
        "people.Person", blank=True, related_name="encounters", verbose_name=_("people met")
    )
    themes = models.ManyToManyField(
        "outreach.Theme", blank=True, related_name="encounters", verbose_name=_("themes")
    )
    note = EncryptedTextField(_("note"), blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    # Generated with the form: the same form posted twice (double tap, retry) is one encounter.
    client_token = models.UUIDField(editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = EncounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-occurred_at"], name="encounter_team_idx"),
            # A neighbourhood's page and the overview: its live encounters by the user's teams
            # in a period, read as one range per team. The organisation first, as every query
            # names it: both databases then prefer this index to the organisation's own. It
            # also holds the place and the id, so that the figures' joins to counts, people and
            # themes read no encounter row (80 → 16 ms for the anonymous counts of a
            # neighbourhood on PostgreSQL at bench scale 100). Trailing key columns rather than
            # INCLUDE, which SQLite ignores.
            models.Index(
                fields=["organisation", "territory", "team", "occurred_at", "place", "id"],
                condition=Q(archived_at__isnull=True),
                name="encounter_territory_live_idx",
            ),
            # A place's page: its latest encounters; the map: counts per place in a period.
            models.Index(fields=["place", "occurred_at"], name="encounter_place_idx"),
            # The overview and the map: the user's teams' encounters in a period. Led by the
            # organisation, so that SQLite prefers it to the organisation's own index (which
            # would read every encounter of the organisation).
            models.Index(
                fields=["organisation", "team", "occurred_at"], name="encounter_org_team_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "client_token"], name="encounter_unique_client_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class AnonymousCount(models.Model):
    """How many people of one age band and gender an encounter met without naming them."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Indexed with the cells' values below.
    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="counts", db_index=False
    )
    # One of settings.LIEN_OUTREACH_AGE_BANDS (configurable, so no choices in the schema).
    age_band = models.CharField(_("age band"), max_length=10)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    count = models.PositiveIntegerField(_("count"))
    is_new = models.BooleanField(_("met for the first time"), default=False)

    class Meta:
        verbose_name = _("anonymous count")
        verbose_name_plural = _("anonymous counts")
        indexes = [
            # An encounter's cells with their values: the figures sum them from the index.
            models.Index(
                fields=["encounter", "age_band", "gender", "is_new", "count"],
                name="anonymous_count_cells_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "age_band", "gender", "is_new"],
                name="anonymous_count_unique_cell",
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="anonymous_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.age_band} {self.gender}"


class PassageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PassageQuerySet":
        from lien.access import policy

        return policy.outreach_visible_to(user, self)

    def active(self) -> "PassageQuerySet":
        return self.filter(archived_at__isnull=True)


class Passage(models.Model):
    """A drop-in visit (passage à la permanence), named or anonymous."""

    class Service(models.TextChoices):
        RECEPTION = "reception", _("Reception, a chat")
        DRINK_MEAL = "drink_meal", _("Coffee, meal")
        SHOWER = "shower", _("Shower")
        LAUNDRY = "laundry", _("Laundry")
        PHONE_INTERNET = "phone_internet", _("Phone, internet")
        ADMIN = "admin", _("Help with paperwork")
        ORIENTATION = "orientation", _("Information, orientation")
        OTHER = "other", _("Other")

    Gender = Gender

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    occurred_at = models.DateTimeField(_("when"))
    # Where the visit happened (the drop-in's place), when the team records it.
    place = models.ForeignKey(
        "outreach.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("place"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("person"),
    )
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    services = models.JSONField(_("services given"), default=list, blank=True)
    client_token = models.UUIDField(editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = PassageQuerySet.as_manager()

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-occurred_at"], name="passage_team_idx"),
            models.Index(fields=["place", "occurred_at"], name="passage_place_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "client_token"], name="passage_unique_client_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M}"
