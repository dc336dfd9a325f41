"""What the casework part of a person's file shows, as the viewer may see it."""

from lien.access import policy
from lien.access.policy import Perm
from lien.casework import timeline
from lien.casework.models import Procedure


def casework_sections(user, person) -> dict:
    can_manage_procedures = policy.has_perm(user, Perm.MANAGE_PROCEDURES)
    pending = (
        list(
            Procedure.objects.visible_to(user)
            .filter(person=person)
            .pending()
            .select_related("responsible")[:20]
        )
        if can_manage_procedures
        else []
    )
    items, more = timeline.for_person(user, person, limit=timeline.ON_FILE)
    return {
        "timeline": items,
        "timeline_more": more,
        "pending_procedures": pending,
        "can_write_note": bool(policy.note_visibilities_for(user)),
        "can_manage_procedures": can_manage_procedures,
    }
