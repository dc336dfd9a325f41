"""Collective projects (mostly for young people aged 15–25), their activities and who came."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The public most projects are for; stored as text, so a project keeps the language it was
# written in.
DEFAULT_PUBLIC = _("Young people aged 15 to 25")


def default_public() -> str:
    return str(DEFAULT_PUBLIC)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        from lien.access import policy

        return policy.projects_visible_to(user, self)

    def active(self) -> "ProjectQuerySet":
        return self.filter(archived_at__isnull=True)


class CollectiveProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("project status", "Planned")
        RUNNING = "running", pgettext_lazy("project status", "Running")
        FINISHED = "finished", pgettext_lazy("project status", "Finished")
        ABANDONED = "abandoned", pgettext_lazy("project status", "Abandoned")

    TEXT_MAX_LENGTH = 5_000

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="projects", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    public = models.CharField(_("public"), max_length=200, blank=True, default=default_public)
    partners = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="projects", verbose_name=_("partners")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective project")
        verbose_name_plural = _("collective projects")
        ordering = ["-starts_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "team", "status"], name="project_team_status_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActivityQuerySet":
        from lien.access import policy

        projects = policy.projects_visible_to(user, CollectiveProject.objects.all())
        return self.filter(project_id__in=projects.values("pk"))

    def active(self) -> "ActivityQuerySet":
        return self.filter(archived_at__isnull=True)


class Activity(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", pgettext_lazy("project activity", "Session")
        OUTING = "outing", pgettext_lazy("project activity", "Outing")
        STAY = "stay", pgettext_lazy("project activity", "Stay")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        CollectiveProject, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SESSION)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    # Free text for now; a link to a place of the outreach app may come later.
    place = models.CharField(_("place"), max_length=200, blank=True)
    evaluation = models.TextField(_("short evaluation"), blank=True)
    version = models.PositiveIntegerField(default=1)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["project", "date"], name="activity_project_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("date")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(kind="stay"),
                name="activity_only_stays_span_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def last_day(self):
        return self.end_date or self.date


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ParticipationQuerySet":
        from lien.access import policy

        return policy.participations_visible_to(user, self)


class Participation(models.Model):
    """A named person registered for an activity, and whether they came."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="project_participations"
    )
    attended = models.BooleanField(_("came"), default=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"], name="participation_once_per_activity"
            )
        ]
        indexes = [models.Index(fields=["person", "activity"], name="participation_person_idx")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.person_id}"


class AgeBand(models.TextChoices):
    UNDER_15 = "lt15", _("under 15")
    FROM_15 = "15-17", _("15–17")
    FROM_18 = "18-21", _("18–21")
    FROM_22 = "22-25", _("22–25")
    OVER_25 = "gt25", _("over 25")


class Gender(models.TextChoices):
    FEMALE = "f", pgettext_lazy("gender, short", "F")
    MALE = "m", pgettext_lazy("gender, short", "M")
    OTHER = "x", pgettext_lazy("gender, short", "X")
    UNKNOWN = "unknown", pgettext_lazy("gender, short", "?")


class AnonymousParticipants(models.Model):
    """How many people came without being named, in one age band and gender."""

    MAX_COUNT = 500

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="anonymous_participants"
    )
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=7, choices=Gender.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("anonymous participants")
        verbose_name_plural = _("anonymous participants")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "age_band", "gender"], name="anonymous_once_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0) & Q(count__lte=500), name="anonymous_count_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.age_band} {self.gender}: {self.count}"
