"""The Today page's part of street work: the mediations of my teams whose follow-up is due."""

from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.outreach.models import Mediation

# More than this is a backlog for the mediation list, not for Today.
TODAY_MAX_MEDIATIONS = 20


def mediations_today(user) -> dict:
    if not policy.has_perm(user, Perm.RECORD_MEDIATIONS):
        return {"mediations_shown": False}
    today = timezone.localdate()
    due = list(
        Mediation.objects.visible_to(user)
        .follow_up_due_by(today)
        .select_related("team", "territory", "place")
        .order_by("follow_up_on", "pk")[:TODAY_MAX_MEDIATIONS]
    )
    return {"mediations_shown": True, "mediations_due": due, "mediations_today_date": today}
