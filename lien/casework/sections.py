"""What the casework part of a person's file shows, as the viewer may see it."""

from lien.access import policy
from lien.access.policy import Perm
from lien.casework import timeline
from lien.casework.models import CircleMember, Consent, Procedure, Referral

ON_FILE = 20


def casework_sections(user, person) -> dict:
    # A merged file only points to the kept one: it lists what it had, takes nothing new.
    open_file = person.merged_into_id is None
    can_manage_procedures = policy.has_perm(user, Perm.MANAGE_PROCEDURES)
    pending = (
        list(
            Procedure.objects.visible_to(user, person=person)
            .pending()
            .select_related("responsible")[:20]
        )
        if can_manage_procedures
        else []
    )
    items, more = timeline.for_person(user, person, limit=timeline.ON_FILE)
    can_refer = policy.has_perm(user, Perm.MANAGE_REFERRALS)
    can_see_circle = policy.has_perm(user, Perm.VIEW_CIRCLE)
    return {
        "can_refer": can_refer,
        "referrals": list(
            Referral.objects.visible_to(user, person=person)
            .filter(archived_at__isnull=True)
            .select_related("partner")[:ON_FILE]
        )
        if can_refer
        else [],
        "consents": list(
            Consent.objects.visible_to(user, person=person).select_related("partner")[:ON_FILE]
        )
        if can_refer
        else [],
        "can_see_circle": can_see_circle,
        "can_manage_circle": open_file and policy.has_perm(user, Perm.MANAGE_CIRCLE),
        "circle": list(
            CircleMember.objects.visible_to(user, person=person).select_related(
                "colleague", "partner"
            )[:ON_FILE]
        )
        if can_see_circle
        else [],
        "timeline": items,
        "timeline_more": more,
        "pending_procedures": pending,
        "can_write_note": open_file and bool(policy.note_visibilities_for(user)),
        "can_add_procedure": open_file and can_manage_procedures,
        "can_add_referral": open_file and can_refer,
        "can_manage_procedures": can_manage_procedures,
    }
