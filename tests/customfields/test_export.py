import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lien.access import policy
from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.customfields.models import CustomField
from lien.people import services as people_services
from lien.people.exporting import neutralise

Kind = CustomField.Kind


@pytest.fixture
def fields(define):
    return {
        "choice": define(Kind.CHOICE, "Quartier", choices="Maritime\n=Heyvaert", position=1),
        "number": define(Kind.NUMBER, "Solde", position=2),
        "date": define(Kind.DATE, "Première rencontre", position=3),
        "text": define(Kind.TEXT, "Surnom de rue", position=4),
        "secret": define(Kind.LONG_TEXT, "Suivi addictions", sensitive=True, position=5),
    }


@pytest.fixture
def people(coordinator, team, fields):
    momo = people_services.create_person(
        by=coordinator,
        team=team,
        data={
            "nickname": "Momo",
            "first_name": '=HYPERLINK("http://evil.example")',
            "last_name": "Benali",
            "phone": "+32 470 00 00 00",
            "niss": "85073003328",
            "residence_status": "asylum",
        },
        custom={
            fields["choice"]: "=Heyvaert",
            fields["number"]: Decimal("-12.5"),
            fields["date"]: datetime.date(2025, 3, 1),
            fields["text"]: "@SUM(A1:A9)",
            fields["secret"]: "Méthadone",
        },
    )
    sara = people_services.create_person(
        by=coordinator, team=team, data={"nickname": "Saar", "niss": ""}
    )
    return {"momo": momo, "sara": sara}


def export(client, **params):
    response = client.get(reverse("people:person_export"), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lien-people-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_coordinator_exports_the_people_with_the_custom_fields(login, coordinator, people):
    header, *rows = export(login(coordinator))
    assert header[:4] == ["Reference", "Nickname", "First name", "Last name"]
    assert header[-5:] == [
        "Quartier",
        "Solde",
        "Première rencontre",
        "Surnom de rue",
        "Suivi addictions",
    ]
    assert "Residence status" in header
    assert "National number" not in header  # never in a spreadsheet
    by_nickname = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_nickname) == {"Momo", "Saar"}
    momo = by_nickname["Momo"]
    assert momo["Reference"] == str(people["momo"].public_id)
    assert momo["Last name"] == "Benali"
    assert momo["Residence status"] == "Asylum procedure"
    assert momo["Solde"] == "-12.5"  # a number Lien wrote: not neutralised
    assert momo["Première rencontre"] == "2025-03-01"
    assert momo["Suivi addictions"] == "Méthadone"
    assert "85073003328" not in str(rows)
    assert by_nickname["Saar"]["Quartier"] == ""


def test_cells_that_would_run_as_formulas_are_neutralised(login, coordinator, people):
    header, *rows = export(login(coordinator))
    momo = dict(zip(header, next(r for r in rows if r[1] == "Momo"), strict=True))
    assert momo["First name"] == '\'=HYPERLINK("http://evil.example")'
    assert momo["Phone"] == "'+32 470 00 00 00"
    assert momo["Quartier"] == "'=Heyvaert"
    assert momo["Surnom de rue"] == "'@SUM(A1:A9)"
    for cell in (cell for row in rows for cell in row):
        assert not cell.startswith(("=", "+", "@")), cell


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("Ok = fine", "Ok = fine"),
    ],
)
def test_neutralise(typed, written):
    assert neutralise(typed) == written


def test_the_export_follows_the_search_and_the_filters(login, coordinator, people, fields):
    client = login(coordinator)
    assert [row[1] for row in export(client, q="Saar")[1:]] == ["Saar"]
    filtered = export(client, **{fields["choice"].form_name: "=Heyvaert"})
    assert [row[1] for row in filtered[1:]] == ["Momo"]


def test_the_export_is_audited_with_its_columns_never_its_values(
    login, coordinator, people, fields
):
    export(login(coordinator))
    event = AuditEvent.objects.get(action="person.exported")
    assert event.actor == coordinator
    assert event.object_type == "people.person"
    assert "last_name" in event.fields
    assert f"custom:{fields['secret'].public_id}" in event.fields
    assert not any("Benali" in name or "Méthadone" in name for name in event.fields)


def test_sensitive_columns_only_for_those_who_may_see_them(
    login, make_user, organisation, team, people, fields
):
    # A role allowed to export without the right to sensitive sections: no such column.
    rights = dict(policy.ROLE_PERMISSIONS)
    rights[Role.HOUSE_MANAGER] = rights[Role.HOUSE_MANAGER] | {policy.Perm.EXPORT_PERSONS}
    with mock.patch.dict(policy.ROLE_PERMISSIONS, rights):
        manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
        header, *rows = export(login(manager))
    assert "Suivi addictions" not in header
    assert "Residence status" not in header
    assert "Méthadone" not in str(rows)
    assert "Quartier" in header


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.HOUSE_MANAGER, Role.ADMIN])
def test_only_coordinators_export(login, make_user, organisation, team, people, role):
    user = make_user(role, organisation=organisation, teams=[team])
    assert login(user).get(reverse("people:person_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="person.exported").exists()


def test_another_organisation_exports_nothing_of_this_one(login, stranger, people, fields):
    header, *rows = export(login(stranger))
    assert rows == []
    assert not any(field.label in header for field in fields.values())


def test_the_list_links_to_the_export_of_what_it_shows(login, coordinator, people, fields):
    page = login(coordinator).get(reverse("people:person_list"), {"q": "Saar"})
    assert f"{reverse('people:person_export')}?q=Saar" in page.content.decode()


def test_the_export_costs_the_same_queries_for_2_or_30_people(
    login, coordinator, team, people, fields, django_assert_num_queries
):
    client = login(coordinator)
    export(client)
    with CaptureQueriesContext(connection) as few:
        export(client)
    for i in range(28):
        people_services.create_person(
            by=coordinator,
            team=team,
            data={"nickname": f"Extra {i}", "niss": ""},
            custom={fields["text"]: f"n°{i}", fields["number"]: Decimal(i)},
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(export(client)) == 31
