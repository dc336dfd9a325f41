import datetime

from django.urls import reverse
from django.utils import timezone

from lien.teamwork import services


def test_today_lists_my_open_action_items_with_the_overdue_marked(
    client, coordinator, social_worker, meeting, django_assert_max_num_queries
):
    today = timezone.localdate()
    for text, who, due in [
        ("LATE-MINE", social_worker, today - datetime.timedelta(days=1)),
        ("SOON-MINE", social_worker, today + datetime.timedelta(days=3)),
        ("COLLEAGUE", coordinator, today),
    ]:
        services.add_action_item(
            by=coordinator, meeting=meeting, text=text, assignee=who, due_on=due
        )
    done = services.add_action_item(
        by=coordinator, meeting=meeting, text="DONE", assignee=social_worker
    )
    services.mark_action_done(by=social_worker, item=done)
    client.cookies["django_language"] = "en"
    client.force_login(social_worker)
    response = client.get(reverse("web:today"))
    assert [i.text for i in response.context["my_action_items"]] == ["LATE-MINE", "SOON-MINE"]
    section = response.content.decode().split('id="action-items-heading"')[1].split("</section>")[0]
    assert section.count('<span class="badge alert">overdue</span>') == 1
    # One query for the list, whatever the number of items.
    for n in range(10):
        services.add_action_item(
            by=coordinator, meeting=meeting, text=f"n{n}", assignee=social_worker
        )
    client.get(reverse("web:today"))  # warm caches
    with django_assert_max_num_queries(60) as measured:
        client.get(reverse("web:today"))
    action_queries = [q for q in measured.captured_queries if "teamwork_actionitem" in q["sql"]]
    assert len(action_queries) == 1


def test_a_house_manager_has_no_action_item_section(client, house_manager):
    client.force_login(house_manager)
    response = client.get(reverse("web:today"))
    assert response.status_code == 200
    assert "my_action_items" not in response.context
