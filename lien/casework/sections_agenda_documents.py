"""The "Appointments" and "Documents" sections of a person's file, as the viewer may see them
(registered with lien.people.file_sections in CaseworkConfig.ready)."""

from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.casework.models import Appointment, Document

UPCOMING_ON_FILE = 10
PAST_ON_FILE = 5
DOCUMENTS_ON_FILE = 5


def appointment_section(user, person) -> dict:
    if not policy.has_perm(user, Perm.VIEW_APPOINTMENTS):
        return {"appointments_section": False}
    now = timezone.now()
    appointments = Appointment.objects.visible_to(user, person=person).active()
    fields = ("public_id", "title", "place", "starts_at", "ends_at", "status")
    return {
        "appointments_section": True,
        "can_manage_appointments": policy.has_perm(user, Perm.MANAGE_APPOINTMENTS),
        "upcoming_appointments": list(
            appointments.filter(ends_at__gte=now)
            .only(*fields)
            .order_by("starts_at", "pk")[:UPCOMING_ON_FILE]
        ),
        "past_appointments": list(
            appointments.filter(ends_at__lt=now)
            .only(*fields)
            .order_by("-starts_at", "-pk")[:PAST_ON_FILE]
        ),
    }


def document_section(user, person) -> dict:
    if not policy.has_perm(user, Perm.MANAGE_DOCUMENTS):
        return {"documents_section": False}
    recent = list(
        Document.objects.visible_to(user, person=person)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")[: DOCUMENTS_ON_FILE + 1]
    )
    return {
        "documents_section": True,
        "recent_documents": recent[:DOCUMENTS_ON_FILE],
        "documents_more": len(recent) > DOCUMENTS_ON_FILE,
    }
