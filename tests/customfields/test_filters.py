import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lien.audit.models import AuditEvent
from lien.customfields.models import CustomField
from lien.people import services as people_services

Kind = CustomField.Kind


@pytest.fixture
def fields(define):
    return {
        "choice": define(Kind.CHOICE, "Quartier", choices="Maritime\nHeyvaert"),
        "multiple": define(Kind.MULTIPLE_CHOICE, "Besoins", choices="Douche\nRepas"),
        "yes_no": define(Kind.YES_NO, "Dort dehors"),
        "number": define(Kind.NUMBER, "Enfants"),
        "date": define(Kind.DATE, "Première rencontre"),
        "text": define(Kind.TEXT, "Surnom de rue"),
    }


@pytest.fixture
def people(social_worker, team, fields):
    def add(nickname, **values):
        return people_services.create_person(
            by=social_worker,
            team=team,
            data={"nickname": nickname, "niss": ""},
            custom={fields[key]: value for key, value in values.items()},
        )

    return {
        "ali": add(
            "Ali",
            choice="Maritime",
            multiple=["Douche", "Repas"],
            yes_no=True,
            number=Decimal(2),
            date=datetime.date(2025, 1, 10),
        ),
        "bea": add(
            "Béa",
            choice="Heyvaert",
            multiple=["Repas"],
            yes_no=False,
            number=Decimal(0),
            date=datetime.date(2025, 6, 1),
        ),
        "cem": add("Cem"),
    }


def listed(client, **params):
    response = client.get(reverse("people:person_list"), params)
    assert response.status_code == 200
    results = response.context["results"]
    return None if results is None else sorted(p.nickname for p in results)


def test_one_filter_per_filterable_field_and_none_for_free_text(login, social_worker, fields):
    form = login(social_worker).get(reverse("people:person_list")).context["custom_filters"]
    names = set(form.fields)
    assert fields["choice"].form_name in names
    assert fields["multiple"].form_name in names
    assert fields["yes_no"].form_name in names
    assert {f"{fields['number'].form_name}_from", f"{fields['number'].form_name}_to"} <= names
    assert {f"{fields['date'].form_name}_from", f"{fields['date'].form_name}_to"} <= names
    assert not any(name.startswith(fields["text"].form_name) for name in names)


def test_filters_narrow_the_list(login, social_worker, fields, people):
    client = login(social_worker)
    cf = {key: field.form_name for key, field in fields.items()}
    assert listed(client) is None  # no search, no filter: nothing listed
    assert listed(client, **{cf["choice"]: "Maritime"}) == ["Ali"]
    assert listed(client, **{cf["multiple"]: "Repas"}) == ["Ali", "Béa"]
    assert listed(client, **{cf["multiple"]: "Douche"}) == ["Ali"]
    assert listed(client, **{cf["yes_no"]: "no"}) == ["Béa"]
    assert listed(client, **{f"{cf['number']}_from": "1"}) == ["Ali"]
    assert listed(client, **{f"{cf['number']}_to": "1"}) == ["Béa"]
    assert listed(client, **{f"{cf['date']}_from": "2025-03-01"}) == ["Béa"]
    assert listed(client, **{f"{cf['date']}_to": "2025-03-01"}) == ["Ali"]
    # Filters add up, and go with a search.
    assert listed(client, **{cf["multiple"]: "Repas", cf["yes_no"]: "yes"}) == ["Ali"]
    assert listed(client, q="Béa", **{cf["multiple"]: "Repas"}) == ["Béa"]
    assert listed(client, q="Cem", **{cf["multiple"]: "Repas"}) == []
    assert AuditEvent.objects.filter(action="person.searched").exists()


def test_an_invalid_filter_is_explained_and_lists_nothing(login, social_worker, fields, people):
    client = login(social_worker)
    response = client.get(
        reverse("people:person_list"), {fields["choice"].form_name: "<script>x</script>"}
    )
    assert response.context["results"] is None
    assert response.context["custom_filters"].errors
    assert "<script>x</script>" not in response.content.decode()


def test_filters_only_see_people_the_user_sees(
    login, social_worker, fields, people, make_user, organisation, other_team
):
    from lien.accounts.models import Role

    elsewhere = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    client = login(elsewhere)
    assert listed(client, **{fields["choice"].form_name: "Maritime"}) == []


def test_the_filtered_list_costs_the_same_queries_for_2_or_40_people(
    login,
    social_worker,
    team,
    fields,
    people,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client = login(social_worker)
    params = {
        fields["multiple"].form_name: "Repas",
        fields["yes_no"].form_name: "yes",
        f"{fields['number'].form_name}_from": "1",
        f"{fields['date'].form_name}_to": "2025-12-31",
    }
    client.get(reverse("people:person_list"), params)  # warm the session and caches
    # Session, user, roles, the fields, the people (each filter a subquery), the audit event.
    with django_assert_max_num_queries(6) as few:
        response = client.get(reverse("people:person_list"), params)
    assert [p.nickname for p in response.context["results"]] == ["Ali"]
    for i in range(40):
        people_services.create_person(
            by=social_worker,
            team=team,
            data={"nickname": f"Extra {i}", "niss": ""},
            custom={
                fields["multiple"]: ["Repas"],
                fields["yes_no"]: True,
                fields["number"]: Decimal(i + 1),
                fields["date"]: datetime.date(2025, 2, 1),
            },
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("people:person_list"), params)
    assert len(response.context["results"]) == 41
