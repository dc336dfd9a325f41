import datetime

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.people import services
from lien.people.models import IdentityDocument, Person

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def person(create_person):
    return create_person(first_name="Ana", last_name="Popescu")


@pytest.fixture
def add_document(social_worker, person):
    def add(by=None, person_=None, **data):
        data.setdefault("kind", IdentityDocument.Kind.BELGIAN_EID)
        return services.add_identity_document(
            by=by or social_worker, person=person_ or person, data=data
        )

    return add


def file_url(person: Person) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id})


def add_url(person: Person) -> str:
    return reverse("people:document_add", kwargs={"public_id": person.public_id})


def edit_url(document: IdentityDocument) -> str:
    return reverse("people:document_edit", kwargs={"public_id": document.public_id})


def test_a_document_is_added_from_the_file_and_its_number_is_encrypted(sw_client, person):
    response = sw_client.post(
        add_url(person),
        {
            "kind": "card_a",
            "number": "B 1234567 89",
            "issued_on": days(-300).isoformat(),
            "expires_on": days(65).isoformat(),
            "note": "Renouvellement à demander à la commune",
        },
    )
    assert response.status_code == 302
    document = person.identity_documents.get()
    assert (document.kind, document.number, document.expires_on) == (
        "card_a",
        "B 1234567 89",
        days(65),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, note FROM people_identitydocument")
        number, note = cursor.fetchone()
    assert "1234567" not in number and "commune" not in note
    event = AuditEvent.objects.get(action="identity_document.added")
    assert event.object_id == str(document.public_id)
    assert set(event.fields) == {"kind", "number", "issued_on", "expires_on", "note"}
    assert "1234567" not in str(event.fields)


def test_the_file_shows_only_the_end_of_the_number_and_marks_expired_documents(
    sw_client, add_document, person
):
    add_document(kind="passport", number="EM123456789", expires_on=days(-3))
    add_document(kind="be_eid", number="592-1234567-89", expires_on=days(400))
    body = sw_client.get(file_url(person)).content.decode()
    assert "•••• 6789" in body and "•••• 7-89" in body
    assert "EM123456789" not in body and "1234567" not in body
    assert body.count(">expired<") == 1
    assert "valid until" in body


def test_the_full_number_is_shown_to_whoever_corrects_it(sw_client, add_document):
    document = add_document(number="592-1234567-89")
    assert "592-1234567-89" in sw_client.get(edit_url(document)).content.decode()


@pytest.mark.parametrize(
    ("number", "shown"),
    [("", ""), ("1234", "••••"), ("123456", "•••• 456"), ("AB 12 34 56 78", "•••• 5678")],
)
def test_masking_keeps_three_or_four_characters_only_when_the_number_is_long_enough(number, shown):
    assert IdentityDocument(number=number).masked_number == shown


def test_an_expiry_before_the_issue_is_explained_and_nothing_is_saved(sw_client, person):
    response = sw_client.post(
        add_url(person),
        {
            "kind": "passport",
            "number": "P-77",
            "issued_on": "2024-05-01",
            "expires_on": "2024-04-30",
        },
    )
    assert response.status_code == 200
    assert "expires_on" in response.context["form"].errors
    assert 'value="P-77"' in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_the_database_refuses_an_expiry_on_or_before_the_issue(person, social_worker):
    with pytest.raises(IntegrityError, match="identity_document_expires_after_issue"):
        IdentityDocument.objects.create(
            organisation=person.organisation,
            person=person,
            kind="passport",
            issued_on=days(-10),
            expires_on=days(-10),
        )


def test_an_issue_date_in_the_future_is_refused(sw_client, person):
    response = sw_client.post(
        add_url(person), {"kind": "passport", "issued_on": days(2).isoformat()}
    )
    assert "issued_on" in response.context["form"].errors
    assert not IdentityDocument.objects.exists()


def test_a_ten_thousand_character_note_is_refused_and_kept_in_the_form(sw_client, person):
    response = sw_client.post(add_url(person), {"kind": "passport", "note": "n" * 10_000})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert "n" * 10_000 in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_markup_in_every_text_field_is_shown_as_text(sw_client, person):
    script = "<script>alert(1)</script>"
    sw_client.post(add_url(person), {"kind": "other", "number": script, "note": script})
    document = IdentityDocument.objects.get()
    assert document.note == script
    for url in (file_url(person), edit_url(document)):
        body = sw_client.get(url).content.decode()
        assert script not in body
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in sw_client.get(edit_url(document)).content.decode()
    )


def test_a_malformed_or_unknown_document_id_is_a_404(sw_client):
    assert sw_client.get("/people/documents/not-a-uuid/").status_code == 404
    unknown = reverse(
        "people:document_edit", kwargs={"public_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
    )
    assert sw_client.get(unknown).status_code == 404


def test_two_workers_editing_the_same_document_see_a_conflict_and_lose_nothing(
    sw_client, add_document, make_user, organisation, team
):
    document = add_document(kind="passport", number="P-1")
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    base = {"kind": "passport", "version": 1}
    assert sw_client.post(edit_url(document), {**base, "number": "P-FIRST"}).status_code == 302
    clash = other.post(edit_url(document), {**base, "number": "P-SECOND"})
    assert clash.status_code == 409
    body = clash.content.decode()
    assert "P-SECOND" in body and "P-FIRST" in body  # what they typed, and what is saved
    document.refresh_from_db()
    assert (document.number, document.version) == ("P-FIRST", 2)
    # Saving again from the conflict page, knowingly, goes through.
    again = other.post(edit_url(document), {**base, "number": "P-SECOND", "version": 2})
    assert again.status_code == 302
    document.refresh_from_db()
    assert document.number == "P-SECOND"


def test_archiving_a_document_keeps_it_apart_on_the_file(sw_client, add_document, person):
    document = add_document(kind="passport", number="P-OLD-0001")
    url = reverse("people:document_archive", kwargs={"public_id": document.public_id})
    assert sw_client.get(url).status_code == 405
    assert sw_client.post(url, {"version": 1}).status_code == 302
    document.refresh_from_db()
    assert document.archived_at is not None
    page = sw_client.get(file_url(person))
    assert page.context["identity_documents"] == []
    assert page.context["archived_identity_documents"] == [document]
    assert AuditEvent.objects.filter(action="identity_document.archived").count() == 1


def test_archiving_with_a_stale_version_changes_nothing(sw_client, add_document):
    document = add_document(kind="passport")
    url = reverse("people:document_archive", kwargs={"public_id": document.public_id})
    response = sw_client.post(url, {"version": 7}, follow=True)
    assert "Someone changed this document meanwhile" in response.content.decode()
    document.refresh_from_db()
    assert document.archived_at is None


def test_expiring_within_lists_current_documents_due_soon_of_visible_people(
    add_document, person, create_person, social_worker, colleague_elsewhere, stranger
):
    soon = add_document(expires_on=days(30))
    today = add_document(kind="passport", expires_on=TODAY)
    add_document(kind="card_a", expires_on=days(120))
    add_document(kind="card_b", expires_on=days(-1))
    other = add_document(kind="other", expires_on=days(10))
    archived = add_document(kind="kids_id", expires_on=days(5))
    services.archive_identity_document(by=social_worker, document=archived, version=1)
    gone = create_person(nickname="Parti")
    add_document(person_=gone, expires_on=days(20))
    services.archive_person(by=social_worker, person=gone, version=1)

    expiring = IdentityDocument.objects.visible_to(social_worker).expiring_within(90)
    assert list(expiring) == [today, other, soon]
    assert not IdentityDocument.objects.visible_to(colleague_elsewhere).expiring_within(90)
    assert not IdentityDocument.objects.visible_to(stranger).expiring_within(90)


def test_a_house_manager_sees_identity_documents_masked_but_no_residence_card(
    login, add_document, person, make_user, organisation, team
):
    add_document(kind="passport", number="EM123456789", expires_on=days(200), note="secret")
    add_document(kind="card_a", number="B0987654321")
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    page = login(manager).get(file_url(person))
    body = page.content.decode()
    assert [d.kind for d in page.context["identity_documents"]] == ["passport"]
    assert "•••• 6789" in body and "EM123456789" not in body
    # Not even masked ("4321" alone also turns up by chance in the page's random ids).
    assert "B0987654321" not in body and "Card A" not in body and "•••• 4321" not in body
    assert "secret" not in body  # notes may hold sensitive facts
    assert reverse("people:document_add", kwargs={"public_id": person.public_id}) not in body


def test_a_field_volunteer_sees_no_documents(login, add_document, make_user, organisation, team):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    # A volunteer sees the people they met (recorded themselves).
    person = Person.objects.create(organisation=organisation, nickname="Rue", created_by=volunteer)
    add_document(person_=person, kind="passport", number="EM123456789")
    page = login(volunteer).get(file_url(person))
    assert page.status_code == 200
    assert page.context["identity_documents"] == []
    assert "Identity documents" not in page.content.decode()


def test_the_three_actors_on_the_document_pages(
    login, add_document, person, colleague_elsewhere, stranger, make_user, organisation, team
):
    document = add_document(kind="passport")
    urls = [add_url(person), edit_url(document)]
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    for url in urls:
        assert login(manager).get(url).status_code == 403  # sees the file, may not edit it
        assert login(colleague_elsewhere).get(url).status_code == 404
        assert login(stranger).get(url).status_code == 404
        assert login(stranger).post(url, {"kind": "other"}).status_code == 404
    assert IdentityDocument.objects.count() == 1


def test_the_file_costs_the_same_queries_whatever_its_documents_and_relations(
    sw_client, add_document, person, create_person, social_worker, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lien.people import merging

    url = file_url(person)
    add_document(kind="passport")
    sw_client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert sw_client.get(url).status_code == 200
    mine = [
        q["sql"]
        for q in first.captured_queries
        if q["sql"].startswith("SELECT")
        and any(
            f'FROM "people_{table}"' in q["sql"]
            for table in ("identitydocument", "relation", "personmerge")
        )
    ]
    assert len(mine) == 3  # documents, relations, merges: one query each

    for n in range(20):
        add_document(kind="other", number=f"N-{n:04d}", expires_on=days(n - 5))
    for n in range(10):
        other = create_person(nickname=f"Proche {n}")
        services.add_relation(
            by=social_worker, person=person, relative=other, data={"kind": "friend"}
        )
    twin = create_person(first_name="Ana", last_name="Popescu")
    merging.merge_persons(by=social_worker, keep=person, absorb=twin, choices={})
    with django_assert_max_num_queries(len(first)):
        page = sw_client.get(url)
    assert len(page.context["identity_documents"]) == 21
    assert len(page.context["relations"]) == 10
    assert len(page.context["merges"]) == 1
