"""Team meetings (decisions, action items), daily team reports and the liaison board."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lien.core.fields import EncryptedTextField

# Free text bounds: a long meeting's minutes fit; a pasted book does not.
MINUTES_MAX_LENGTH = 50_000
AGENDA_MAX_LENGTH = 5_000
LINE_MAX_LENGTH = 500
HANDOVER_MAX_LENGTH = 20_000
MESSAGE_MAX_LENGTH = 2_000


class TeamMeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TeamMeetingQuerySet":
        from lien.access import policy

        return policy.team_meetings_visible_to(user, self)

    def active(self) -> "TeamMeetingQuerySet":
        return self.filter(archived_at__isnull=True)


class TeamMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team")
    )
    held_on = models.DateField(_("date"))
    started_at = models.TimeField(_("start time"), null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("attendees"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    # Minutes often name the people discussed: encrypted at rest, reads audited.
    minutes = EncryptedTextField(_("minutes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = TeamMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["-held_on", "-started_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-held_on"], name="meeting_team_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.held_on:%Y-%m-%d}"


class Decision(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(TeamMeeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.CharField(pgettext_lazy("decision", "decision"), max_length=LINE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionItemQuerySet":
        from lien.access import policy

        return policy.action_items_visible_to(user, self)

    def open(self) -> "ActionItemQuerySet":
        return self.filter(done_at__isnull=True, meeting__archived_at__isnull=True)


class ActionItem(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(TeamMeeting, on_delete=models.PROTECT, related_name="action_items")
    text = models.CharField(_("what to do"), max_length=LINE_MAX_LENGTH)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assignee", "done_at"], name="action_assignee_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
                name="action_item_done_by_whom",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DailyReportQuerySet":
        from lien.access import policy

        return policy.daily_reports_visible_to(user, self)


class DailyReport(models.Model):
    """One per team and day: the handover and the partners met."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="daily_reports",
        verbose_name=_("team"),
    )
    day = models.DateField(_("day"))
    handover = EncryptedTextField(_("handover"), blank=True)
    partners_met = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="+", verbose_name=_("partners met")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day"], name="daily_report_one_per_team_day")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.day:%Y-%m-%d}"


class LiaisonMessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LiaisonMessageQuerySet":
        from lien.access import policy

        return policy.liaison_messages_visible_to(user, self)


class LiaisonMessage(models.Model):
    """A short message on a team's board (house managers included)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="liaison_messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = LiaisonMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison message")
        verbose_name_plural = _("liaison messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="liaison_team_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.created_at:%Y-%m-%d %H:%M}"
