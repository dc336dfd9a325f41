import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services_documents as services
from lien.casework.models import Document, DocumentContent
from tests.casework import agenda_helpers as samples
from tests.factories import ALL_ROLES, TeamFactory

MB = 1024 * 1024


@pytest.fixture
def sw_client(client, social_worker):
    client.force_login(social_worker)
    return client


@pytest.fixture
def document(social_worker, person):
    return services.upload_document(
        by=social_worker,
        person=person,
        title="Décision CPAS",
        file_name="decision.pdf",
        content=samples.pdf(),
    )


def upload(client, person, content: bytes, name: str, title: str = "", **extra):
    return client.post(
        reverse("casework:document_upload", args=[person.public_id]),
        {"file": SimpleUploadedFile(name, content), "title": title},
        **extra,
    )


def stored_bytes() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM casework_documentcontent")
        return bytes(cursor.fetchone()[0])


# Services.


@pytest.mark.parametrize(
    ("sample", "name", "content_type"),
    [
        ("pdf", "decision.pdf", "application/pdf"),
        ("jpeg", "carte.JPG", "image/jpeg"),
        ("jpeg", "carte.jpeg", "image/jpeg"),
        ("png", "scan.png", "image/png"),
        ("webp", "photo.webp", "image/webp"),
        ("heic", "IMG_0001.HEIC", "image/heic"),
        (
            "docx",
            "lettre.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("odt", "lettre.odt", "application/vnd.oasis.opendocument.text"),
        ("ods", "budget.ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("doc", "ancien.doc", "application/msword"),
        ("xls", "ancien.xls", "application/vnd.ms-excel"),
    ],
)
def test_accepted_types_are_read_from_the_content(
    social_worker, person, sample, name, content_type
):
    content = getattr(samples, sample)()
    document = services.upload_document(
        by=social_worker, person=person, title="", file_name=name, content=content
    )
    assert document.content_type == content_type
    assert document.size == len(content)
    assert DocumentContent.objects.get(document=document).data == content


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.exe(), "decision.pdf"),
        (samples.elf(), "scan.png"),
        (samples.exe(), "setup.exe"),
        (b"<html><script>alert(1)</script></html>", "page.pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.pdf"),
        (samples.png(), "scan.pdf"),  # a real picture, but named as something else
        (samples.pdf(), "decision.docx"),
    ],
)
def test_other_content_or_a_mismatched_extension_is_refused(social_worker, person, content, name):
    with pytest.raises(ValidationError):
        services.upload_document(
            by=social_worker, person=person, title="x", file_name=name, content=content
        )
    assert not Document.objects.exists() and not DocumentContent.objects.exists()


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\sam\\Carte identité.PDF", "Carte identité.pdf"),
        ("fac\u202etxt.exe.pdf", "factxt.exe.pdf"),  # right-to-left override removed
        ('a<b>:"c"|d?*.pdf', "a_b___c__d__.pdf"),
        ("   .hidden.pdf  ", "hidden.pdf"),
        ("noextension", "noextension"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
        ("", "document"),
    ],
)
def test_file_names_are_sanitised(typed, cleaned):
    assert services.clean_file_name(typed) == cleaned


def test_a_name_without_extension_gets_the_detected_one(social_worker, person):
    document = services.upload_document(
        by=social_worker, person=person, title="", file_name="scan", content=samples.png()
    )
    assert document.file_name == "scan.png" and document.title == "scan.png"


def test_the_content_is_encrypted_at_rest(document):
    raw = stored_bytes()
    assert b"CONFIDENTIEL-1234" not in raw and b"%PDF" not in raw
    assert DocumentContent.objects.get().data == samples.pdf()


def test_a_rotated_key_still_reads_documents(settings, document, monkeypatch):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from lien.core.management.commands import rotate_keys

    # Only this table: other test modules register models whose tables exist in their tests.
    monkeypatch.setattr(rotate_keys, "encrypted_fields", lambda: [(DocumentContent, "data")])
    before = stored_bytes()
    settings.LIEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.LIEN_ENCRYPTION_KEYS]
    call_command("rotate_keys", stdout=__import__("io").StringIO())
    assert stored_bytes() != before
    settings.LIEN_ENCRYPTION_KEYS = settings.LIEN_ENCRYPTION_KEYS[:1]
    assert DocumentContent.objects.get().data == samples.pdf()


# Views.


def test_an_upload_is_stored_audited_and_listed_on_the_file(sw_client, social_worker, person):
    response = upload(sw_client, person, samples.png(), "scan carte.png", title="Carte d'identité")
    assert response.status_code == 302
    assert response.url == reverse("people:person_detail", args=[person.public_id])
    document = Document.objects.get()
    assert document.uploaded_by == social_worker and document.file_name == "scan carte.png"
    assert AuditEvent.objects.filter(
        action="document.uploaded", object_id=str(document.public_id)
    ).exists()
    body = sw_client.get(response.url).content.decode()
    assert "Carte d&#x27;identité" in body
    assert reverse("casework:document_download", args=[document.public_id]) in body


def test_a_download_is_an_audited_attachment_with_the_stored_type(
    sw_client, social_worker, document
):
    response = sw_client.get(reverse("casework:document_download", args=[document.public_id]))
    assert response.status_code == 200
    assert response.content == samples.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="decision.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="document.downloaded")
    assert event.actor == social_worker and event.object_id == str(document.public_id)


def test_a_download_name_with_accents_is_encoded(sw_client, social_worker, person):
    document = services.upload_document(
        by=social_worker, person=person, title="", file_name="décision.pdf", content=samples.pdf()
    )
    response = sw_client.get(reverse("casework:document_download", args=[document.public_id]))
    assert "filename*=utf-8''d%C3%A9cision.pdf" in response["Content-Disposition"]


def test_an_executable_renamed_pdf_is_refused_with_a_message(sw_client, person):
    response = upload(sw_client, person, samples.exe(), "decision.pdf")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_a_50_mb_upload_gets_a_clear_page_and_nothing_is_stored(sw_client, person):
    response = upload(sw_client, person, samples.pdf() + bytes(50 * MB), "gros.pdf")
    assert response.status_code == 413
    body = response.content.decode()
    assert body.count("<h1") == 1 and '<html lang="fr">' in body
    assert response.context["too_large"]
    assert "10" in response.context["too_large"]
    assert not Document.objects.exists()


def test_a_file_over_the_form_limit_but_under_the_upload_limit_is_accepted(
    sw_client, settings, person
):
    content = samples.pdf() + bytes(3 * MB)
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = upload(sw_client, person, content, "scan.pdf")
    assert response.status_code == 302
    assert DocumentContent.objects.get().data == content


def test_a_form_field_over_the_form_limit_gets_the_400_page(sw_client, settings, person):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = upload(sw_client, person, samples.png(), "scan.png", title="t" * 200_000)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("<h1") == 1 and '<html lang="fr">' in body
    assert not Document.objects.exists()


def test_the_upload_limit_comes_from_the_settings(sw_client, settings, person):
    settings.LIEN_MAX_UPLOAD_BYTES = 1000
    # Just over the limit, inside the form overhead: refused by the upload handler.
    response = upload(sw_client, person, samples.pdf() + bytes(2000), "scan.pdf")
    assert response.status_code == 413
    assert response.context["too_large"]
    # Far over it: refused before the body is read.
    response = upload(sw_client, person, samples.pdf() + bytes(200_000), "scan.pdf")
    assert response.status_code == 413
    assert not Document.objects.exists()


def test_an_empty_or_missing_file_is_explained(sw_client, person):
    response = upload(sw_client, person, b"", "vide.pdf")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    response = sw_client.post(reverse("casework:document_upload", args=[person.public_id]), {})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not Document.objects.exists()


def test_the_upload_checks_the_csrf_token(db, social_worker, person):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(social_worker)
    response = upload(strict, person, samples.png(), "scan.png")
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_uploads_never_touch_a_temporary_file_on_disk(sw_client, person, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("a plaintext temporary file was created")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr("django.core.files.temp.NamedTemporaryFile", refuse)
    response = upload(sw_client, person, samples.pdf() + bytes(3 * MB), "scan.pdf")
    assert response.status_code == 302


def test_archiving_takes_a_document_off_the_file_and_keeps_it(
    sw_client, social_worker, document, person
):
    url = reverse("casework:document_archive", args=[document.public_id])
    assert sw_client.get(url).status_code == 405
    response = sw_client.post(url)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.archived_at is not None and document.archived_by == social_worker
    assert DocumentContent.objects.filter(document=document).exists()
    assert AuditEvent.objects.filter(action="document.archived").exists()
    download = reverse("casework:document_download", args=[document.public_id])
    assert sw_client.get(download).status_code == 404
    page = sw_client.get(reverse("people:person_detail", args=[person.public_id]))
    assert page.context["recent_documents"] == []


def test_the_list_page_pages_through_documents(sw_client, social_worker, person):
    for n in range(30):
        services.upload_document(
            by=social_worker,
            person=person,
            title=f"Doc {n}",
            file_name="a.png",
            content=samples.png(),
        )
    url = reverse("casework:document_list", args=[person.public_id])
    first = sw_client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert len(sw_client.get(url, {"page": 2}).context["page"].object_list) == 5
    assert sw_client.get(url, {"page": "abc"}).status_code == 200
    file_page = sw_client.get(reverse("people:person_detail", args=[person.public_id]))
    assert len(file_page.context["recent_documents"]) == 5
    assert file_page.context["documents_more"] is True


def test_reading_the_document_list_is_audited(sw_client, social_worker, person, document):
    url = reverse("casework:document_list", args=[person.public_id])
    before = AuditEvent.objects.filter(action="person.viewed").count()
    assert sw_client.get(url).status_code == 200
    reads = AuditEvent.objects.filter(action="person.viewed").order_by("pk")
    assert reads.count() == before + 1
    event = reads.last()
    assert event.actor == social_worker and event.object_id == str(person.public_id)


# The three actors.


def test_a_house_manager_sees_no_documents(client, make_user, organisation, team, document, person):
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    client.force_login(manager)
    page = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert page.status_code == 200
    assert page.context["documents_section"] is False
    assert "Décision CPAS" not in page.content.decode()
    for url in (
        reverse("casework:document_download", args=[document.public_id]),
        reverse("casework:document_list", args=[person.public_id]),
        reverse("casework:document_upload", args=[person.public_id]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("casework:document_archive", args=[document.public_id])).status_code
        == 403
    )
    assert upload(client, person, samples.png(), "scan.png").status_code == 403
    assert Document.objects.count() == 1
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_another_organisation_gets_404_on_every_document_page(
    client, make_user, other_organisation, document, person
):
    stranger = make_user(
        *ALL_ROLES,
        organisation=other_organisation,
        teams=[TeamFactory(organisation=other_organisation)],
    )
    client.force_login(stranger)
    before = AuditEvent.objects.count()
    assert (
        client.get(reverse("casework:document_download", args=[document.public_id])).status_code
        == 404
    )
    assert (
        client.post(reverse("casework:document_archive", args=[document.public_id])).status_code
        == 404
    )
    assert client.get(reverse("casework:document_list", args=[person.public_id])).status_code == 404
    assert upload(client, person, samples.png(), "scan.png").status_code == 404
    assert upload(client, person, bytes(50 * MB), "big.pdf").status_code == 404
    assert AuditEvent.objects.count() == before
    document.refresh_from_db()
    assert document.archived_at is None and Document.objects.count() == 1


def test_a_team_that_does_not_follow_the_person_gets_404(client, make_user, organisation, document):
    other = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    client.force_login(other)
    url = reverse("casework:document_download", args=[document.public_id])
    assert client.get(url).status_code == 404


# Query budgets.


def test_the_file_costs_the_same_queries_whatever_the_documents_and_never_loads_their_bytes(
    sw_client, social_worker, person, django_assert_max_num_queries
):
    url = reverse("people:person_detail", args=[person.public_id])
    services.upload_document(
        by=social_worker, person=person, title="a", file_name="a.png", content=samples.png()
    )
    sw_client.get(url)

    def run():
        with CaptureQueriesContext(connection) as ctx:
            assert sw_client.get(url).status_code == 200
        return ctx

    few = len(run())
    for n in range(20):
        services.upload_document(
            by=social_worker, person=person, title=f"d{n}", file_name="a.png", content=samples.png()
        )
    queries = run()
    assert len(queries) == few
    assert not any("documentcontent" in q["sql"].lower() for q in queries.captured_queries)
    with django_assert_max_num_queries(few):
        sw_client.get(url)
