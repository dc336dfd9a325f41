"""Importing a partner list: upload → preview → confirm → report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lien.audit.models import AuditEvent
from lien.partners.models import Partner

UPLOAD = reverse("partners:import_upload")
CONFIRM = reverse("partners:import_confirm")
REPORT = reverse("partners:import_report")


def csv_file(text: str, *, encoding="utf-8", name="partenaires.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, name="partenaires.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def en_client(sw_client):
    sw_client.cookies["django_language"] = "en"
    return sw_client


def upload(client, file):
    return client.post(UPLOAD, {"file": file})


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]})


def error_of(response) -> str:
    assert response.status_code == 200
    assert "preview" not in response.context, "the file should have been refused"
    return " ".join(response.context["form"].errors.get("file", [])) + " ".join(
        response.context["form"].non_field_errors()
    )


FRENCH_CSV = (
    "Nom;Secteur;Adresse;Code postal;Commune;Téléphone;Email;Site;Langues;Services;Horaires\n"
    "CPAS de Molenbeek;CPAS;Rue Alphonse Vandenpeereboom 14;1080;Molenbeek-Saint-Jean;"
    "02 412 53 11;info@cpas.example;www.cpas.example;FR, NL;Revenu d'intégration;Lu-Ve 8h30-12h\n"
    "Maison médicale Le Canal;santé;Quai des Charbonnages 2;1080;Molenbeek;02 410 00 00;;;"
    'FR, arabe;"Médecine générale,\nkiné";Sur rendez-vous\n'
)


def test_a_french_csv_with_semicolons_is_previewed_then_imported(en_client):
    preview = upload(en_client, csv_file(FRENCH_CSV))
    assert preview.status_code == 200
    rows = preview.context["preview"].rows
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].data["sector"] == "cpas"
    assert rows[1].data["sector"] == "health"
    assert rows[1].data["services"] == "Médecine générale,\nkiné"
    assert not Partner.objects.exists()  # nothing written before confirming

    report = confirm(en_client, preview)
    assert report.status_code == 302 and report.url == REPORT
    page = en_client.get(REPORT)
    assert page.context["report"]["imported"] == 2
    assert page.context["report"]["rejected"] == 0
    cpas = Partner.objects.get(name="CPAS de Molenbeek")
    assert cpas.website == "https://www.cpas.example"
    assert cpas.postcode == "1080" and cpas.phone == "02 412 53 11"
    assert AuditEvent.objects.filter(action="partner.imported").count() == 2


def test_a_dutch_csv_with_a_bom_and_commas_is_read(en_client):
    text = (
        "\ufeffNaam,Sector,Adres,Telefoon,Talen,Diensten,Openingsuren\nOCMW Brussel,OCMW,,,NL,,\n"
    )
    preview = upload(en_client, csv_file(text))
    rows = preview.context["preview"].rows
    assert rows[0].data["name"] == "OCMW Brussel"  # no BOM glued to the first heading
    assert rows[0].data["sector"] == "cpas"


def test_a_windows_1252_csv_is_read_and_the_encoding_is_mentioned(en_client):
    text = "nom;commune\nSolidarité Logement;Saint-Gilles\n"
    preview = upload(en_client, csv_file(text, encoding="cp1252"))
    assert preview.context["preview"].rows[0].data["name"] == "Solidarité Logement"
    assert "cp1252" in " ".join(preview.context["preview"].notes)


def test_an_xlsx_file_is_read_with_numbers_as_text_and_formulas_never_computed(en_client):
    preview = upload(
        en_client,
        xlsx_file(
            [
                ["Name", "Sector", "Postcode", "Phone", "Notes"],
                ["Samusocial", "basic needs", 1000, 800123456, "=cmd|' /C calc'!A0"],
                [None, None, None, None, None],
                ["Infor-Drogues", "Addictions", "1050", None, "=1+1"],
            ]
        ),
    )
    preview_data = preview.context["preview"]
    assert [r.number for r in preview_data.rows] == [2, 4]  # spreadsheet row numbers
    first = preview_data.rows[0]
    assert first.data["postcode"] == "1000"
    assert first.data["notes"] == "=cmd|' /C calc'!A0"
    assert any("formula" in note for note in first.notes)
    confirm(en_client, preview)
    assert Partner.objects.get(name="Infor-Drogues").notes == "=1+1"  # kept, not "2"
    assert Partner.objects.get(name="Samusocial").sector == "basic_needs"


def test_an_array_formula_is_kept_as_its_text(en_client):
    from openpyxl.worksheet.formula import ArrayFormula

    file = xlsx_file([["nom", "remarques"], ["Le Pavillon", None]])
    workbook = load_workbook(io.BytesIO(file.read()))
    workbook.active["B2"] = ArrayFormula("B2", "=SUM(C1:C2)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(en_client, SimpleUploadedFile("array.xlsx", buffer.getvalue()))
    assert preview.context["preview"].rows[0].data["notes"] == "=SUM(C1:C2)"


def test_rejected_rows_are_listed_with_their_row_number_and_reason(en_client, make_partner):
    make_partner(name="SMES")
    text = (
        "name;email;sector\n"
        ";nobody@example.org;health\n"  # 2: no name
        f"{'x' * 201};;\n"  # 3: name too long
        "Bad mail;not-an-email;\n"  # 4
        "smes;;\n"  # 5: already in the directory
        "Diogènes;;Astrologie\n"  # 6: fine, unknown sector
        "DIOGÈNES;;\n"  # 7: same as row 6
    )
    preview = upload(en_client, csv_file(text))
    rejected = {r.number: " ".join(r.reasons) for r in preview.context["preview"].rejected}
    assert set(rejected) == {2, 3, 4, 5, 7}
    assert "missing" in rejected[2]
    assert "200" in rejected[3]
    assert "email" in rejected[4]
    assert "already exists" in rejected[5]
    assert "row 6" in rejected[7]
    (row,) = preview.context["preview"].rows
    assert row.data["sector"] == "other"
    assert "Astrologie" in row.data["notes"]
    assert any("Astrologie" in note for note in row.notes)
    body = preview.content.decode()
    assert "Astrologie" in body and "already exists" in body

    confirm(en_client, preview)
    report = en_client.get(REPORT).context["report"]
    assert (report["imported"], report["rejected"]) == (1, 5)


def test_hostile_markup_in_a_file_is_shown_as_text(en_client):
    text = 'name;services\n<script>alert(1)</script>;"<img src=x onerror=alert(2)>"\n'
    preview = upload(en_client, csv_file(text))
    body = preview.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    confirm(en_client, preview)
    partner = Partner.objects.get()
    assert partner.name == "<script>alert(1)</script>"
    page = en_client.get(
        reverse("partners:partner_detail", kwargs={"public_id": partner.public_id})
    )
    assert "<img src=x" not in page.content.decode()


def test_the_confirm_step_uses_the_rows_kept_on_the_server_not_the_browser(en_client):
    preview = upload(en_client, csv_file("nom\nLe Pavillon\n"))
    response = en_client.post(
        CONFIRM,
        {"token": preview.context["token"], "rows": '[[2, {"name": "Injected"}]]', "name": "X"},
    )
    assert response.status_code == 302
    assert list(Partner.objects.values_list("name", flat=True)) == ["Le Pavillon"]


def test_a_wrong_or_replayed_token_imports_nothing(en_client):
    preview = upload(en_client, csv_file("nom\nLe Pavillon\n"))
    wrong = en_client.post(CONFIRM, {"token": "guess"})
    assert wrong.status_code == 302 and wrong.url == UPLOAD
    assert not Partner.objects.exists()
    confirm(en_client, preview)
    replay = confirm(en_client, preview)
    assert replay.url == UPLOAD
    assert Partner.objects.count() == 1


def test_a_name_taken_between_preview_and_confirm_is_skipped_and_reported(en_client, make_partner):
    preview = upload(en_client, csv_file("nom\nLe Pavillon\nBij Ons\n"))
    make_partner(name="Bij Ons")
    confirm(en_client, preview)
    report = en_client.get(REPORT)
    assert report.context["report"]["imported"] == 1
    assert report.context["report"]["skipped"] == [
        [3, "Bij Ons", "A partner with this name already exists."]
    ]
    assert "Bij Ons" in report.content.decode()


def test_a_failure_during_the_import_leaves_nothing_half_written(en_client, monkeypatch):
    from lien.partners import services

    preview = upload(en_client, csv_file("nom\nUn\nDeux\nTrois\n"))

    def failing_record(**kwargs):  # the audit write fails after the partners are in
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_each", failing_record)
    with pytest.raises(RuntimeError):
        confirm(en_client, preview)
    assert not Partner.objects.exists()


PDF = b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n" + bytes(range(128, 256))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (SimpleUploadedFile("vide.csv", b"", content_type="text/csv"), "empty"),
        (SimpleUploadedFile("blancs.csv", b"\n\n ; \n", content_type="text/csv"), "empty"),
        (SimpleUploadedFile("titres.csv", b"nom;commune\n", content_type="text/csv"), "no partner"),
        (SimpleUploadedFile("x.csv", b"ville;rue\nIxelles;Rue Haute\n"), "name"),
        (SimpleUploadedFile("image.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "image/png"),
        (SimpleUploadedFile("doc.pdf", PDF), "neither"),
        (SimpleUploadedFile("vieux.xls", OLE2), "old"),
        (SimpleUploadedFile("casse.xlsx", b"PK\x03\x04broken zip"), "damaged"),
        (SimpleUploadedFile("bad.csv", b"nom\n\x81\x8d\x8f\x90\x9d\n"), "encoding"),
    ],
    ids=["empty", "blank-rows", "headings-only", "no-name-column", "png", "pdf", "xls",
         "corrupted-xlsx", "undecodable"],
)  # fmt: skip
def test_unusable_files_get_a_clear_sentence(en_client, file, expected):
    response = upload(en_client, file)
    assert expected in error_of(response)
    assert not Partner.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(en_client):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    response = upload(en_client, SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert "damaged" in error_of(response)


def test_a_file_over_the_size_limit_is_refused_without_being_kept(en_client, settings):
    settings.LIEN_PARTNER_IMPORT_MAX_BYTES = 1024
    big = csv_file("nom\n" + "Partenaire\n" * 500)
    response = upload(en_client, big)
    assert "larger than" in error_of(response)
    assert not Partner.objects.exists()


def test_a_huge_upload_is_cut_short_by_the_upload_handler(en_client, settings):
    settings.LIEN_PARTNER_IMPORT_MAX_BYTES = 2_097_152
    huge = SimpleUploadedFile("huge.csv", b"nom\n" + b"x" * 5_000_000, content_type="text/csv")
    response = upload(en_client, huge)
    assert response.status_code == 200
    assert "larger than 2.0" in error_of(response)
    assert response.context["form"].cut_short  # stopped reading at the limit, nothing kept


def test_more_rows_than_allowed_are_refused(en_client, settings):
    settings.LIEN_PARTNER_IMPORT_MAX_ROWS = 10
    text = "nom\n" + "".join(f"Partenaire {n}\n" for n in range(11))
    assert "more than 10 rows" in error_of(upload(en_client, csv_file(text)))
    ok = upload(en_client, csv_file("nom\n" + "".join(f"P {n}\n" for n in range(10))))
    assert len(ok.context["preview"].rows) == 10


def test_an_xlsx_over_the_row_limit_is_refused(en_client, settings):
    settings.LIEN_PARTNER_IMPORT_MAX_ROWS = 5
    rows = [["naam"]] + [[f"Partner {n}"] for n in range(6)]
    assert "more than 5 rows" in error_of(upload(en_client, xlsx_file(rows)))


def test_a_csv_with_a_line_too_long_for_the_csv_reader_is_refused(en_client, settings):
    settings.LIEN_PARTNER_IMPORT_MAX_BYTES = 2_097_152
    text = 'nom;services\nA;"' + "x" * 200_000 + '"\n'
    assert "could not be read" in error_of(upload(en_client, csv_file(text)))


def test_wide_sheets_and_unknown_columns_are_tolerated(en_client):
    heading = ["nom", "Couleur préférée", *[f"col {n}" for n in range(80)]]
    preview = upload(en_client, xlsx_file([heading, ["Le Pavillon", "bleu", *range(80)]]))
    assert preview.context["preview"].rows[0].data["name"] == "Le Pavillon"
    assert "Couleur préférée" in preview.context["preview"].ignored_columns


def test_only_managing_roles_reach_the_import(client, house_manager):
    client.force_login(house_manager)
    assert client.get(UPLOAD).status_code == 403
    response = client.post(UPLOAD, {"file": csv_file("nom\nX\n")})
    assert response.status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert not Partner.objects.exists()


def test_the_upload_still_checks_the_csrf_token(social_worker):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(social_worker)
    response = strict.post(UPLOAD, {"file": csv_file("nom\nX\n")})
    assert response.status_code == 403
    assert "preview" not in (response.context or {})


def test_the_import_preview_page_has_one_h1_and_is_query_bounded(
    en_client, django_assert_max_num_queries
):
    text = "nom\n" + "".join(f"Partenaire {n}\n" for n in range(300))
    with django_assert_max_num_queries(10):
        preview = upload(en_client, csv_file(text))
    assert preview.content.decode().count("<h1") == 1
    with django_assert_max_num_queries(20):
        confirm(en_client, preview)
    assert Partner.objects.count() == 300


def test_a_lost_race_on_a_name_at_confirm_imports_nothing_and_says_so(en_client, monkeypatch):
    from django.core.exceptions import ValidationError

    from lien.partners import views

    preview = upload(en_client, csv_file("nom\nLe Pavillon\n"))

    def racing_import(**kwargs):
        raise ValidationError("duplicate")

    monkeypatch.setattr(views.services, "import_partners", racing_import)
    response = confirm(en_client, preview)
    assert response.status_code == 302 and response.url == UPLOAD
    messages = [str(m) for m in en_client.get(UPLOAD).context["messages"]]
    assert any("Nothing was imported" in m for m in messages)
    assert not Partner.objects.exists()


def _with_member(workbook: bytes, name: str, size: int) -> bytes:
    """The workbook plus a member of `size` zero bytes: it deflates to a few kilobytes."""
    import zipfile

    buffer = io.BytesIO(workbook)
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("member_size", "why"),
    [(60 * 1024 * 1024, "more than 50 MB unpacked"), (8 * 1024 * 1024, "compressed 1000 times")],
    ids=["total", "ratio"],
)
def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(en_client, monkeypatch, member_size, why):
    import openpyxl

    workbook = xlsx_file([["nom"], ["CPAS"]]).read()
    bomb = _with_member(workbook, "xl/worksheets/sheet2.xml", member_size)
    assert len(bomb) < 200_000, why
    opened = []
    real_load_workbook = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda *a, **k: opened.append(1) or real_load_workbook(*a, **k)
    )
    response = upload(en_client, SimpleUploadedFile("bombe.xlsx", bomb))
    assert "unpacked" in error_of(response)
    assert opened == []
    assert not Partner.objects.exists()
    # An ordinary workbook is still opened and read.
    assert len(upload(en_client, xlsx_file([["nom"], ["CPAS"]])).context["preview"].rows) == 1
    assert opened == [1]


def test_an_xlsx_with_a_broken_zip_directory_is_called_damaged(en_client):
    workbook = xlsx_file([["nom"], ["CPAS"]]).read()
    truncated = workbook[: len(workbook) - 30]  # the end of the central directory is cut
    response = upload(en_client, SimpleUploadedFile("casse.xlsx", truncated))
    assert "damaged" in error_of(response)
