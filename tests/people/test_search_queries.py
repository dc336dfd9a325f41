"""Query budget of the people list with a query: the same few queries whatever the number of
people, of matches and of spelling variants (the bench scenario person_search times it)."""

from django.urls import reverse

from lien.accounts.models import Role
from lien.people import services
from tests.factories import TeamFactory


def test_the_people_list_with_a_query_costs_the_same_queries_whatever_the_volume(
    sw_client, create_person, social_worker, make_user, django_assert_max_num_queries
):
    url = reverse("people:person_list")
    query = {"q": "Muhammad Elamrani"}
    create_person(first_name="Mohamed", last_name="El Amrani")
    sw_client.get(url, query)  # sessions and caches warmed
    with django_assert_max_num_queries(10) as small:
        page = sw_client.get(url, query)
    assert len(page.context["results"]) == 1

    spellings = ("Mohammed", "Muhammad", "Mohamad", "Mouhamed", "Mohamed")
    families = ("Elamrani", "Al-Amrani", "El Amrani")
    for n in range(30):
        create_person(
            first_name=spellings[n % len(spellings)],
            last_name=families[n % len(families)],
            nickname=f"M{n}",
            birth_date="1980",
        )
    # Namesakes another team follows: not found, and not paid for either.
    elsewhere = TeamFactory(organisation=social_worker.organisation)
    colleague = make_user(
        Role.SOCIAL_WORKER, organisation=social_worker.organisation, teams=[elsewhere]
    )
    for _ in range(20):
        services.create_person(
            by=colleague,
            team=elsewhere,
            data={"first_name": "Mohamed", "last_name": "El Amrani", "niss": ""},
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = sw_client.get(url, query)
    assert len(page.context["results"]) == 31
