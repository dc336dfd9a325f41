"""Participation over time as figures for a server-rendered SVG bar chart (no JavaScript)."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from lien.projects.models import AnonymousParticipants

WIDTH = 320
HEIGHT = 160
LABEL_ROOM = 20  # below the bars, for dates
TOP_ROOM = 14  # above the highest bar, for its figure


@dataclass
class Bar:
    activity: object
    named: int
    anonymous: int
    x: float
    width: float
    named_y: float
    named_height: float
    anonymous_y: float
    anonymous_height: float
    label_x: float

    @property
    def total(self) -> int:
        return self.named + self.anonymous


def with_figures(activities):
    """Annotate activities with the number of named people who came and of anonymous ones."""
    anonymous = (
        AnonymousParticipants.objects.filter(activity=OuterRef("pk"))
        .values("activity")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return activities.annotate(
        named_count=Count("participations", filter=Q(participations__attended=True)),
        anonymous_count=Coalesce(Subquery(anonymous, output_field=IntegerField()), 0),
    )


def bars(activities) -> tuple[list[Bar], int]:
    """Bars in chronological order and the top of the scale."""
    activities = list(activities)
    top = max((a.named_count + a.anonymous_count for a in activities), default=0) or 1
    plot = HEIGHT - LABEL_ROOM - TOP_ROOM
    slot = WIDTH / max(len(activities), 1)
    width = max(slot * 0.7, 1)
    result = []
    base = HEIGHT - LABEL_ROOM
    for index, activity in enumerate(activities):
        named_h = plot * activity.named_count / top
        anon_h = plot * activity.anonymous_count / top
        x = index * slot + (slot - width) / 2
        result.append(
            Bar(
                activity=activity,
                named=activity.named_count,
                anonymous=activity.anonymous_count,
                x=round(x, 1),
                width=round(width, 1),
                named_y=round(base - named_h, 1),
                named_height=round(named_h, 1),
                anonymous_y=round(base - named_h - anon_h, 1),
                anonymous_height=round(anon_h, 1),
                label_x=round(x + width / 2, 1),
            )
        )
    return result, top
