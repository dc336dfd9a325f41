"""Pathway templates: tasks an event sets in motion."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.casework.models.procedure import Procedure


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
