"""Browser journeys of the person file: a social worker on a phone and at a desk, and a
house manager who must not read what is not shared with them."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lien.accounts.models import Role
from lien.casework.models import Procedure, Referral
from lien.partners.models import Partner
from lien.people import services as people_services
from lien.people.models import Person
from tests.e2e.conftest import DESKTOP, PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser


def sign_in(new_context, user, password, options=PHONE) -> Page:
    page = new_context(**options).new_page()
    page.goto("/accounts/login/")
    log_in(page, user.email, password)
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_a_nickname_first_file_a_duplicate_caught_and_an_identity_completed_later(
    new_context, live_server, social_worker, team, password
):
    people_services.create_person(
        by=social_worker,
        team=team,
        data={"first_name": "Youssef", "last_name": "El Amrani", "birth_year": 1990, "niss": ""},
    )
    page = sign_in(new_context, social_worker, password)

    # A nickname is enough to start.
    page.goto("/people/new/")
    page.fill("input[name=nickname]", "Zaza")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("Zaza")
    assert not serious_accessibility_violations(page)

    # A variant spelling of a known person: the existing file is proposed before saving.
    page.goto("/people/new/")
    page.fill("input[name=first_name]", "Yusuf")
    page.fill("input[name=last_name]", "Elamrani")
    page.fill("input[name=birth_date]", "1990")
    page.click("main form button[type=submit]")
    candidates = page.locator("#candidates-heading + p + ul")
    expect(candidates).to_contain_text("Youssef El Amrani")
    assert Person.objects.count() == 2  # nothing saved yet

    # Later, Zaza's identity is completed from the file.
    zaza = Person.objects.get(nickname="Zaza")
    page.goto(f"/people/{zaza.public_id}/edit/")
    page.fill("input[name=first_name]", "Zainab")
    page.fill("input[name=last_name]", "Benali")
    page.fill("input[name=birth_date]", "03/1999")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/people/{zaza.public_id}/")
    expect(page.locator("h1")).to_contain_text("Zainab Benali")
    zaza.refresh_from_db()
    assert (zaza.birth_year, zaza.birth_month) == (1999, 3)


def test_a_procedure_with_a_due_date_shows_on_today(
    new_context, live_server, social_worker, team, password
):
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    page = sign_in(new_context, social_worker, password)
    page.goto(f"/people/{person.public_id}/")
    page.click("a[href$='/procedures/new/']")
    page.select_option("select[name=domain]", "identity")
    page.fill("input[name=title]", "Renouveler la carte d'identité")
    due = timezone.localdate() + datetime.timedelta(days=3)
    page.fill("input[name=due_on]", due.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/people/{person.public_id}/")
    expect(page.locator("#procedures-heading").locator("..").locator("..")).to_contain_text(
        "Renouveler la carte"
    )
    page.click("a.brand")
    expect(page.locator("#due-heading").locator("..")).to_contain_text("Renouveler la carte")
    assert Procedure.objects.get().responsible == social_worker
    assert not serious_accessibility_violations(page)


def test_today_links_a_long_list_to_its_whole_page_on_a_phone(
    new_context, live_server, social_worker, team, password
):
    from lien.casework import services

    due = timezone.localdate() + datetime.timedelta(days=2)
    for n in range(12):
        person = people_services.create_person(
            by=social_worker, team=team, data={"nickname": f"Personne {n:02}"}
        )
        services.create_procedure(
            by=social_worker,
            person=person,
            data={
                "domain": "cpas",
                "title": f"Démarche {n:02}",
                "responsible": social_worker,
                "due_on": due,
            },
        )
    page = sign_in(new_context, social_worker, password)
    due_list = page.locator("#due-heading").locator("..")
    expect(due_list.locator("li")).to_have_count(10)
    # By keyboard: the link to the whole list is reachable and opens it.
    link = due_list.get_by_role(
        "link", name=re.compile("whole list|toute la liste|volledige lijst")
    )
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/today/procedures/")
    expect(page.locator("main li")).to_have_count(12)
    expect(page.locator("main")).to_contain_text("Démarche 11")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not serious_accessibility_violations(page)


def test_a_referral_to_a_partner_with_the_persons_consent(
    new_context, live_server, social_worker, organisation, team, password
):
    partner = Partner.objects.create(organisation=organisation, name="Maison médicale Norman")
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    page = sign_in(new_context, social_worker, password, options=DESKTOP)
    page.goto(f"/people/{person.public_id}/")
    page.click("a[href$='/referrals/new/']")
    page.select_option("select[name=partner]", str(partner.public_id))
    page.fill("textarea[name=reason]", "Trouver un médecin traitant")
    # Without consent, the referral is refused and what was typed stays.
    page.click("main form button[type=submit]")
    expect(page.locator("main .errors")).to_be_visible()
    expect(page.locator("textarea[name=reason]")).to_have_value("Trouver un médecin traitant")
    page.check("input[name=consent_now]")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/people/{person.public_id}/")
    expect(page.locator("#referrals-heading").locator("..").locator("..")).to_contain_text(
        "Maison médicale Norman"
    )
    referral = Referral.objects.get()
    assert referral.consent is not None and referral.consent.partner == partner
    assert not serious_accessibility_violations(page)


def test_a_house_manager_reads_shared_notes_but_never_a_team_note(
    new_context, live_server, social_worker, make_user, organisation, team, password
):
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    worker_page = sign_in(new_context, social_worker, password)
    for visibility, text in [("team", "Confidentiel équipe"), ("shared", "Rendez-vous CPAS mardi")]:
        worker_page.goto(f"/casework/people/{person.public_id}/journal/new/")
        worker_page.select_option("select[name=visibility]", visibility)
        worker_page.fill("textarea[name=text]", text)
        worker_page.click("main form button[type=submit]")
        worker_page.wait_for_url(f"**/people/{person.public_id}/")
    expect(worker_page.locator("main")).to_contain_text("Confidentiel équipe")

    manager_page = sign_in(new_context, manager, password)
    manager_page.goto(f"/people/{person.public_id}/")
    expect(manager_page.locator("main")).to_contain_text("Rendez-vous CPAS mardi")
    expect(manager_page.locator("main")).not_to_contain_text("Confidentiel équipe")
    manager_page.goto(f"/casework/people/{person.public_id}/timeline/")
    expect(manager_page.locator("main")).not_to_contain_text("Confidentiel équipe")
    # The note form offers a house manager only shared or private notes.
    manager_page.goto(f"/casework/people/{person.public_id}/journal/new/")
    options = manager_page.locator("select[name=visibility] option")
    assert sorted(options.evaluate_all("els => els.map(e => e.value)")) == ["private", "shared"]
