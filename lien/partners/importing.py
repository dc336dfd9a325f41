"""Reading a partner list from a CSV or XLSX file, without writing anything.

`read_upload` turns an uploaded file into a `Preview`: the rows ready to import and the
rows rejected with their reason. Nothing here trusts the file: its size and row count are
bounded, its type is told from its content (not its name), formulas are kept as text and
never evaluated, markup is plain text, and a broken file gives a sentence, never a 500.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lien.partners.models import Partner
from lien.partners.services import PARTNER_FIELDS, name_key

MAX_COLUMNS = 50  # a partner list has about fifteen; the rest of a wide sheet is ignored
# A cell starting like this is a formula to a spreadsheet program ("=cmd|' /C calc'!A0"):
# kept as typed, shown as text, and flagged in the preview. ("+" and "-" start phone numbers
# and bullet lists too often to be flagged.)
FORMULA_PREFIXES = ("=", "@")
# Single-line fields: inner line breaks and runs of spaces become one space.
SINGLE_LINE = {"name", "sector", "address", "postcode", "commune", "phone", "email", "website"}
# An XLSX is a zip: a small upload may unpack to gigabytes (a "zip bomb"). Its declared sizes
# are checked before it is opened (Python's zipfile never returns more than the size a member
# declares). A partner list of a few thousand rows unpacks to a few megabytes.
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Spreadsheet XML packs about ten to one, very repetitive sheets up to about a hundred to one;
# a member of zeros packs a thousand to one. Small members (styles, empty sheets) are exempt.
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM_BYTES = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003: .xls, .doc
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Column headings recognised, in French, Dutch and English, compared without case, accents
# or punctuation ("Téléphone", "telephone" and "TÉLÉPHONE :" are the same heading).
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "naam", "name", "organisation", "organisatie", "organization", "partenaire",
             "partner", "nom du partenaire", "nom de l organisation"),
    "sector": ("secteur", "sector", "categorie", "category", "domaine", "domein", "type"),
    "address": ("adresse", "adres", "address", "rue", "straat", "street"),
    "postcode": ("code postal", "cp", "postcode", "post code", "postal code", "zip",
                 "zip code"),
    "commune": ("commune", "gemeente", "municipality", "localite", "ville", "stad", "city",
                "town", "plaats"),
    "services": ("services", "diensten", "dienstverlening", "offre", "aanbod", "offer",
                 "services offered", "services proposes", "activites", "activiteiten"),
    "opening_hours": ("horaires", "horaire", "heures d ouverture", "openingsuren",
                      "openingstijden", "openingsuur", "opening hours", "hours", "permanences"),
    "languages": ("langues", "langue", "talen", "taal", "languages", "language",
                  "langues parlees", "gesproken talen", "languages spoken"),
    "phone": ("telephone", "tel", "telefoon", "telefoonnummer", "phone", "phone number", "gsm",
              "numero de telephone"),
    "email": ("email", "e mail", "courriel", "mail", "adresse email", "adresse e mail",
              "e mailadres", "emailadres"),
    "website": ("site", "site web", "site internet", "website", "web", "url", "webpagina",
                "webpage", "internet"),
    "notes": ("remarques", "remarque", "notes", "note", "opmerkingen", "opmerking",
              "commentaire", "commentaires", "comments", "comment", "remarks"),
}  # fmt: skip

# Sector words people write, beyond the labels themselves (matched the same way as headings).
SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    Partner.Sector.CPAS: ("cpas", "ocmw", "cpas ocmw", "social", "sociaal", "aide sociale",
                          "services sociaux", "public social services"),
    Partner.Sector.HEALTH: ("sante", "gezondheid", "health", "maison medicale", "medisch huis",
                            "wijkgezondheidscentrum", "medical", "soins", "zorg",
                            "hopital", "ziekenhuis", "hospital"),
    Partner.Sector.MENTAL_HEALTH: ("sante mentale", "geestelijke gezondheid",
                                   "geestelijke gezondheidszorg", "mental health", "ssm",
                                   "psy", "psychiatrie", "psychiatry"),
    Partner.Sector.ADDICTIONS: ("assuetudes", "assuetude", "addictions", "addiction",
                                "verslaving", "verslavingszorg", "drogues", "drugs"),
    Partner.Sector.HOUSING: ("logement", "huisvesting", "wonen", "housing", "ais", "sva",
                             "hebergement", "opvang", "shelter"),
    Partner.Sector.EMPLOYMENT: ("emploi", "formation", "emploi et formation", "werk",
                                "opleiding", "werk en opleiding", "employment", "training",
                                "insertion", "actiris", "vdab"),
    Partner.Sector.LEGAL: ("juridique", "justice", "justitie", "juridisch", "legal", "droit",
                           "recht", "aide juridique", "juridische hulp", "avocat", "advocaat"),
    Partner.Sector.ADMINISTRATION: ("administration", "administratie", "administratif",
                                    "administratief", "commune", "gemeente"),
    Partner.Sector.YOUTH: ("jeunesse", "jeunes", "jeugd", "jongeren", "youth", "amo"),
    Partner.Sector.BASIC_NEEDS: ("besoins de base", "besoins primaires", "basisbehoeften",
                                 "basic needs", "aide alimentaire", "voedselhulp", "food",
                                 "vetements", "kleding", "clothes", "douches", "showers",
                                 "accueil de jour", "dagopvang", "day centre"),
    Partner.Sector.DEBT: ("mediation de dettes", "dettes", "schuldbemiddeling", "schulden",
                          "debt mediation", "debt", "debts"),
    Partner.Sector.OTHER: ("autre", "autres", "andere", "ander", "other", "divers"),
}  # fmt: skip


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says why, for the person importing."""


@dataclass(frozen=True)
class ImportRow:
    number: int  # the row number as the spreadsheet shows it (heading = 1)
    data: dict[str, str]
    notes: tuple[str, ...] = ()

    @property
    def sector_label(self) -> str:
        return Partner.Sector(self.data["sector"]).label


@dataclass(frozen=True)
class RejectedRow:
    number: int
    name: str
    reasons: tuple[str, ...]


@dataclass
class Preview:
    rows: list[ImportRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> heading in the file
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def column_labels(self) -> list[tuple[str, str]]:
        """(heading in the file, the partner field it fills), in the file's order."""
        return [
            (heading, str(capfirst(Partner._meta.get_field(name).verbose_name)))
            for name, heading in self.columns.items()
        ]


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file past `max_bytes`, so a huge upload is neither kept in
    memory nor written to disk. Install it before the request body is read."""

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def simplify(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: how headings and sectors compare."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_HEADING_FIELDS = {simplify(word): name for name, words in HEADINGS.items() for word in words}


def _sector_lookup() -> dict[str, str]:
    lookup = {}
    for value, words in SECTOR_WORDS.items():
        for word in words:
            lookup.setdefault(simplify(word), value)
    for choice in Partner.Sector:
        lookup[simplify(choice.value)] = choice.value
        for language in ("fr", "nl", "en"):
            with translation.override(language):
                lookup[simplify(str(choice.label))] = choice.value
    return lookup


def read_upload(upload, *, max_bytes: int, max_rows: int, taken_names: set[str]) -> Preview:
    """Read an uploaded CSV or XLSX partner list. `taken_names` are the name keys of the
    partners already in the directory. Raises ImportRefused for a file that cannot be used."""
    if upload.size > max_bytes:
        raise ImportRefused(too_large_message(max_bytes))
    if upload.size == 0:
        raise ImportRefused(_("The file is empty."))
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ImportRefused(too_large_message(max_bytes))
    preview = Preview()
    is_zip = content.startswith(b"PK\x03\x04")  # XLSX is a zip of XML files
    rows = _xlsx_rows(content) if is_zip else _csv_rows(content, preview)
    return _prepare(rows, preview, max_rows=max_rows, taken_names=taken_names)


def too_large_message(max_bytes: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return _("The file is larger than %(size)s. Split it into smaller files.") % {
        "size": filesizeformat(max_bytes)
    }


def _refuse_binary(content: bytes) -> None:
    """Refuse a file that is not text, naming its type when it is a known one."""
    if content.startswith(OLE2_MAGIC):
        raise ImportRefused(
            _("This is an old Office file (.xls). Save it as .xlsx or as CSV, then retry.")
        )
    kind = filetype.guess(content[:8192])
    if kind is not None or b"\x00" in content[:8192]:
        raise ImportRefused(
            _("This file is neither a CSV nor an XLSX spreadsheet%(kind)s.")
            % {"kind": f" ({kind.mime})" if kind is not None else ""}
        )


def _decode(content: bytes, preview: Preview) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else cp1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in content[:8192]:
        _refuse_binary(content)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    _refuse_binary(content)  # not text in UTF-8: a PDF, an image… or text in cp1252
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The text encoding of this file was not recognised. Save it as “CSV UTF-8”.")
        ) from None
    preview.notes.append(
        _(
            "The file is not in UTF-8: it was read as Windows Western European (cp1252). "
            "Check that accented letters look right below."
        )
    )
    return text


def _delimiter(text: str) -> str:
    """Sniff the separator from the heading line: `;` (Excel in French or Dutch), `,` or tab."""
    heading = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(heading, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {sep: heading.count(sep) for sep in ";,\t"}
        return max(counts, key=counts.get)


def _csv_rows(content: bytes, preview: Preview):
    text = _decode(content, preview)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefused(
                _("Row %(row)d of the file could not be read (%(error)s).")
                % {"row": number, "error": exc}
            ) from None
        yield number, row[:MAX_COLUMNS]


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a zip that would unpack to too much, from the sizes its directory declares."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ImportRefused(broken_xlsx_message()) from exc
    total = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > XLSX_RATIO_FROM_BYTES
        and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > XLSX_MAX_UNPACKED_BYTES or inflated:
        from django.template.defaultfilters import filesizeformat

        raise ImportRefused(
            _(
                "Once unpacked, this XLSX file would take more than %(size)s or is packed in "
                "an unusual way: it was not opened. Split it into smaller files, or save it "
                "as CSV."
            )
            % {"size": filesizeformat(XLSX_MAX_UNPACKED_BYTES)}
        )


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    # Formulas come back as their text (data_only=False) and are never computed; links to
    # other workbooks are dropped. Parsing untrusted XML relies on expat's protections.
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # zipfile, the XML parser and openpyxl each raise their own
        raise ImportRefused(broken_xlsx_message()) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportRefused(_("The spreadsheet has no sheet."))
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in row]
    except ImportRefused:
        raise
    except Exception as exc:  # a sheet whose XML breaks halfway
        raise ImportRefused(broken_xlsx_message()) from exc
    finally:
        workbook.close()


def broken_xlsx_message() -> str:
    return _(
        "This XLSX file is damaged or is not really a spreadsheet. Open it in your "
        "spreadsheet program and save it again, or save it as CSV."
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a postcode or a phone number typed as a number
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "text"):  # an array or data-table formula: its text, never its result
        return str(value.text or "")
    return str(value)


def _clean(value: str, name: str) -> str:
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if name in SINGLE_LINE:
        return " ".join(value.split())
    return "\n".join(line.rstrip() for line in value.strip().split("\n"))


def _map_headings(heading: list[str], preview: Preview) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, title in enumerate(heading):
        if not title.strip():
            continue
        name = _HEADING_FIELDS.get(simplify(title))
        if name is None or name in preview.columns:
            preview.ignored_columns.append(title.strip()[:100])
            continue
        columns[index] = name
        preview.columns[name] = title.strip()[:100]
    if "name" not in preview.columns:
        raise ImportRefused(
            _(
                "No column for the partner's name was found in the first row. Name it "
                "“nom”, “naam” or “name”."
            )
        )
    return columns


def _prepare(rows, preview: Preview, *, max_rows: int, taken_names: set[str]) -> Preview:
    columns: dict[int, str] | None = None
    sectors = _sector_lookup()
    seen: dict[str, int] = {}
    count = 0
    for number, values in rows:
        if not any(str(value).strip() for value in values):
            continue
        if columns is None:
            columns = _map_headings([str(v) for v in values], preview)
            continue
        count += 1
        if count > max_rows:
            raise ImportRefused(
                _("The file has more than %(max)d rows. Split it into smaller files.")
                % {"max": max_rows}
            )
        raw = {name: "" for name in PARTNER_FIELDS}
        for index, name in columns.items():
            if index < len(values):
                raw[name] = _clean(str(values[index]), name)
        _check_row(number, raw, preview, sectors=sectors, seen=seen, taken=taken_names)
    if columns is None:
        raise ImportRefused(_("The file is empty."))
    if count == 0:
        raise ImportRefused(_("The file has a heading row but no partner under it."))
    return preview


def _check_row(number, raw, preview, *, sectors, seen, taken) -> None:
    reasons: list[str] = []
    notes: list[str] = []
    name = raw["name"]
    sector_text = raw.pop("sector")
    if not name:
        reasons.append(_("The name is missing."))
    if sector_text:
        raw["sector"] = sectors.get(simplify(sector_text), "")
        if not raw["sector"]:
            raw["sector"] = Partner.Sector.OTHER
            notes.append(
                _("Unknown sector “%(sector)s”: imported as “Other”, written in the notes.")
                % {"sector": sector_text[:100]}
            )
            line = _("Sector in the imported file: %(sector)s") % {"sector": sector_text[:100]}
            raw["notes"] = f"{raw['notes']}\n{line}".strip()
    else:
        raw["sector"] = Partner.Sector.OTHER
    if raw["website"] and "://" not in raw["website"]:
        raw["website"] = f"https://{raw['website']}"
    for name_, value in raw.items():
        limit = Partner._meta.get_field(name_).max_length
        if limit and len(value) > limit:
            reasons.append(
                _("%(field)s is longer than %(max)d characters.")
                % {"field": capfirst(Partner._meta.get_field(name_).verbose_name), "max": limit}
            )
    if raw["email"]:
        try:
            validate_email(raw["email"])
        except ValidationError:
            reasons.append(_("The email address is not valid."))
    if raw["website"]:
        try:
            URLValidator(schemes=["http", "https"])(raw["website"])
        except ValidationError:
            reasons.append(_("The website address is not valid."))
    formula_fields = [
        str(capfirst(Partner._meta.get_field(n).verbose_name))
        for n, v in raw.items()
        if v.startswith(FORMULA_PREFIXES)
    ]
    if formula_fields:
        notes.append(
            _("%(fields)s: starts like a formula; kept as plain text, never computed.")
            % {"fields": ", ".join(formula_fields)}
        )
    key = name_key(name)
    if name and key in taken:
        reasons.append(_("A partner with this name already exists."))
    elif name and key in seen:
        reasons.append(_("Same name as row %(row)d.") % {"row": seen[key]})
    if reasons:
        preview.rejected.append(RejectedRow(number, name[:200], tuple(reasons)))
        return
    seen[key] = number
    preview.rows.append(ImportRow(number, raw, tuple(notes)))


SECTOR_POLICY = gettext_lazy(
    "A sector the list does not know is imported as “Other”, and the sector written in the "
    "file is kept in the partner's notes, so nothing is lost."
)
