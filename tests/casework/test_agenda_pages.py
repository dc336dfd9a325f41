"""Whole-page guards for the agenda, appointment, calendar-link and document pages."""

import datetime

import pytest
from django.urls import reverse

from lien.casework import services_documents
from tests.casework import agenda_helpers as samples


@pytest.fixture
def pages(social_worker, person):
    appointment = samples.make_appointment(
        by=social_worker,
        person=person,
        starts_at=datetime.datetime(2026, 3, 4, 9, tzinfo=datetime.UTC),
        note="<b>note</b>",
    )
    services_documents.upload_document(
        by=social_worker, person=person, title="Scan", file_name="a.png", content=samples.png()
    )
    return [
        reverse("casework:agenda") + "?day=2026-03-04",
        reverse("casework:agenda_day") + "?day=2026-03-04",
        reverse("casework:appointment_create"),
        reverse("casework:appointment_create_for_person", args=[person.public_id]),
        reverse("casework:appointment_edit", args=[appointment.public_id]),
        reverse("casework:calendar_link"),
        reverse("casework:document_list", args=[person.public_id]),
        reverse("casework:document_upload", args=[person.public_id]),
        reverse("people:person_detail", args=[person.public_id]),
    ]


def test_each_page_has_one_h1_labelled_fields_and_no_inline_script_or_style(
    client, social_worker, pages
):
    client.force_login(social_worker)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert body.count("<h1") == 1, url
        assert " style=" not in body and "<style" not in body, url
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], url
        form = response.context.get("form")
        if form is not None:
            for field in form.visible_fields():
                assert f'for="{field.id_for_label}"' in body or "<legend>" in body, (url, field)


def test_the_calendar_link_page_after_creation_has_a_labelled_address(client, social_worker):
    client.force_login(social_worker)
    body = client.post(reverse("casework:calendar_link")).content.decode()
    assert body.count("<h1") == 1
    assert '<label for="calendar-url">' in body and 'id="calendar-url"' in body
