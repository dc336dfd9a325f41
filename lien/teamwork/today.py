"""The Today page's part of team work: the action items assigned to me and not done."""

from django.db.models import F
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.teamwork.models import ActionItem

# More than this many open action items is a backlog for the meeting page, not for Today.
TODAY_MAX_ACTION_ITEMS = 20


def action_items_today(user) -> dict:
    if not policy.has_perm(user, Perm.VIEW_TEAMWORK):
        return {"action_items_shown": False}
    items = list(
        ActionItem.objects.visible_to(user)
        .open()
        .filter(assignee_id=user.pk)
        .select_related("meeting__team")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")[:TODAY_MAX_ACTION_ITEMS]
    )
    return {
        "action_items_shown": True,
        "my_action_items": items,
        "action_items_today_date": timezone.localdate(),
    }
