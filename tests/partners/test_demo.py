from django.core.management import call_command

from lien.partners.models import Partner, PartnerContact
from lien.web.demo import DEMO_PARTNERS


def test_both_demo_organisations_get_the_fictional_partners_once(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")
    assert Partner.objects.count() == 2 * len(DEMO_PARTNERS)
    contacts = sum(len(p.get("contacts", [])) for p in DEMO_PARTNERS)
    assert PartnerContact.objects.count() == 2 * contacts
    assert set(Partner.objects.values_list("sector", flat=True)) >= {
        "cpas",
        "health",
        "housing",
        "debt",
    }
