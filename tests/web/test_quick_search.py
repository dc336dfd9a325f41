import pytest
from django.urls import reverse

from lien.accounts.models import Role
from lien.people import services


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.SOCIAL_WORKER, True),
        (Role.COORDINATOR, True),
        (Role.HOUSE_MANAGER, True),
        (Role.ADMIN, False),
        (Role.ANALYST, False),
    ],
)
def test_the_person_search_is_on_every_page_for_those_who_see_people(
    client, make_user, organisation, team, role, shown
):
    user = make_user(role, organisation=organisation, teams=[team])
    client.force_login(user)
    body = client.get(reverse("web:today")).content.decode()
    assert ('id="quick-search"' in body) is shown


@pytest.mark.parametrize(
    "query", ["Yusuf", "youssef el amrani", "elamrani", "1987", "85.07.30-033.28", "Jo"]
)
def test_the_header_search_finds_a_person_by_any_handle(client, social_worker, team, query):
    services.create_person(
        by=social_worker,
        team=team,
        data={
            "first_name": "Youssef",
            "last_name": "El Amrani",
            "nickname": "Jojo",
            "birth_year": 1987,
            "niss": "85073003328",
        },
    )
    client.force_login(social_worker)
    response = client.get(reverse("people:person_list"), {"q": query})
    assert [p.last_name for p in response.context["results"]] == ["El Amrani"]
