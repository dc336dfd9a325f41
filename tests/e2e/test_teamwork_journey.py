"""Browser journey of team work: a coordinator records a meeting on a phone and gives a social
worker an action item; the social worker finds it on Today and marks it done."""

import re

import pytest
from playwright.sync_api import expect

from lien.accounts.models import Role
from lien.teamwork.models import ActionItem, TeamMeeting
from tests.e2e.conftest import DESKTOP, PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser


def sign_in(new_context, user, password, options):
    page = new_context(**options).new_page()
    page.goto("/accounts/login/")
    log_in(page, user.email, password)
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_a_meeting_action_item_reaches_the_social_workers_today_page(
    new_context, live_server, make_user, organisation, team, social_worker, password
):
    coordinator = make_user(
        Role.COORDINATOR, organisation=organisation, teams=[team], full_name="Cora Coordinator"
    )
    page = sign_in(new_context, coordinator, password, PHONE)

    # From the menu's Team entry to the team's meetings, then a new meeting.
    page.goto("/team/")
    page.click(f"a[href='/team/{team.public_id}/meetings/']")
    page.click(f"a[href='/team/{team.public_id}/meetings/new/']")
    assert not serious_accessibility_violations(page)
    page.fill("input[name=started_at]", "09:30")
    page.check(f"input[name=attendees][value='{social_worker.public_id}']")
    page.fill("textarea[name=minutes]", "Point sur les suivis.")
    page.fill("textarea[name=decisions]", "Tournée au parc Bonnevie jeudi")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/team/meetings/[0-9a-f-]{36}/$"))
    expect(page.locator("main")).to_contain_text("Tournée au parc Bonnevie jeudi")
    meeting = TeamMeeting.objects.get()

    # An action item for the social worker.
    page.click(f"a[href='/team/meetings/{meeting.public_id}/actions/new/']")
    page.fill("textarea[name=text]", "Appeler la maison médicale")
    page.select_option("select[name=assignee]", str(social_worker.public_id))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/team/meetings/[0-9a-f-]{36}/$"))
    expect(page.locator("main")).to_contain_text("Appeler la maison médicale")

    # The social worker sees it on Today and marks it done.
    worker = sign_in(new_context, social_worker, password, DESKTOP)
    section = worker.locator("section[aria-labelledby=action-items-heading]")
    expect(section).to_contain_text("Appeler la maison médicale")
    section.locator("button[type=submit]").click()
    worker.wait_for_url(re.compile(r"/$"))
    expect(worker.locator("section[aria-labelledby=action-items-heading]")).not_to_contain_text(
        "Appeler la maison médicale"
    )
    item = ActionItem.objects.get()
    assert item.done_by == social_worker and item.done_at is not None
