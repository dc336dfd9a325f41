"""Daily counters of services a team gives (showers, coffees, phone calls…): the types an
organisation configures, and one count per team, day and type."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class CounterTypeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CounterTypeQuerySet":
        from lien.access import policy

        return policy.counter_types_visible_to(user, self)

    def active(self) -> "CounterTypeQuerySet":
        return self.filter(archived_at__isnull=True)


class CounterType(models.Model):
    """Something a team counts each day, for every team of the organisation or one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for this team"),
    )
    label_fr = models.CharField(_("label in French"), max_length=100)
    label_nl = models.CharField(_("label in Dutch"), max_length=100, blank=True)
    label_en = models.CharField(_("label in English"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = CounterTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["position", "label_fr", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(label_fr=""), name="counter_type_has_a_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (translation.get_language() or "fr")[:2]
        return getattr(self, f"label_{language}", "") or self.label_fr


class DailyCountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DailyCountQuerySet":
        from lien.access import policy

        return policy.daily_counts_visible_to(user, self)


class DailyCount(models.Model):
    """How many times a team gave one service on one day (one row, edited in place)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    counter = models.ForeignKey(
        CounterType, on_delete=models.PROTECT, related_name="counts", verbose_name=_("counter")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("count"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        ordering = ["-day", "counter__position", "pk"]
        indexes = [models.Index(fields=["team", "-day"], name="daily_count_team_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "counter"], name="daily_count_unique_cell"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="daily_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.counter_id}: {self.count}"
