"""What the history of a partner or a partner's contact shows (registered in
lien.audit.history from PartnersConfig.ready): the directory is read by every field role."""

from django.urls import reverse

from lien.audit.history import RecordKind, Rule, everything, register
from lien.partners.models import Partner, PartnerContact


def register_kinds() -> None:
    register(
        "partners.partner",
        RecordKind(
            visible=lambda user: Partner.objects.visible_to(user),
            title=lambda user, partner: partner.name,
            url=lambda partner: reverse("partners:partner_detail", args=[partner.public_id]),
            rules={"partner": Rule(Partner, everything)},
        ),
    )
    register(
        "partners.partnercontact",
        RecordKind(
            visible=lambda user: PartnerContact.objects.visible_to(user).select_related("partner"),
            title=lambda user, contact: f"{contact} · {contact.partner.name}",
            url=lambda contact: reverse(
                "partners:partner_detail", args=[contact.partner.public_id]
            ),
            rules={"partner_contact": Rule(PartnerContact, everything)},
        ),
    )
