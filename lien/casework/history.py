"""What the history of a procedure, an appointment or a referral shows to whom, and the
circle and consent changes recorded on a person's file (registered in lien.audit.history
from CaseworkConfig.ready)."""

from django.urls import reverse

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.history import RecordKind, Rule, add_rule, everything, nothing, register
from lien.casework.models import Appointment, CircleMember, Consent, Procedure, Referral


def _title(user, record) -> str:
    """Procedures and referrals are only found among the people the user sees."""
    person = record.person
    name = person.display_name if policy.has_perm(user, Perm.VIEW_IDENTITY) else person.nickname
    return f"{record} · {name}"


def _appointment_fields(user):
    # Appointment notes are for those who manage appointments (not house managers).
    if policy.has_perm(user, Perm.MANAGE_APPOINTMENTS):
        return everything(user)
    return lambda name: name != "note"


def _circle_fields(user):
    # The event does not say whose entry changed: a doctor or a lawyer tells something of
    # health or justice, so the values are for the sensitive right only.
    perms = policy.permissions_of(user)
    if {Perm.VIEW_CIRCLE, Perm.VIEW_SENSITIVE} <= perms:
        return everything(user)
    return nothing(user)


def _consent_fields(user):
    if policy.has_perm(user, Perm.MANAGE_REFERRALS):
        return everything(user)
    return nothing(user)


def register_kinds() -> None:
    register(
        "casework.procedure",
        RecordKind(
            visible=lambda user: Procedure.objects.visible_to(user).select_related("person"),
            title=_title,
            url=lambda procedure: reverse("casework:procedure_edit", args=[procedure.public_id]),
            rules={"procedure": Rule(Procedure, everything)},
        ),
    )
    register(
        "casework.appointment",
        RecordKind(
            # Seen by who attends it, even without seeing the person: the title only.
            visible=lambda user: Appointment.objects.visible_to(user),
            title=lambda user, appointment: appointment.title,
            rules={"appointment": Rule(Appointment, _appointment_fields)},
        ),
    )
    register(
        "casework.referral",
        RecordKind(
            visible=lambda user: Referral.objects.visible_to(user).select_related("person"),
            title=_title,
            url=lambda referral: reverse("casework:referral_edit", args=[referral.public_id]),
            rules={"referral": Rule(Referral, everything)},
        ),
    )
    add_rule("people.person", "circle", Rule(CircleMember, _circle_fields))
    add_rule("people.person", "consent", Rule(Consent, _consent_fields))
