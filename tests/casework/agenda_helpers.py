"""Helpers for the appointment, agenda, calendar and document tests."""

import datetime
import io
import struct
import zipfile
import zlib

from lien.casework import services_appointments

UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)


def make_appointment(*, by, person=None, starts_at, hours=1, workers=None, **data):
    data.setdefault("title", "Rendez-vous")
    return services_appointments.create_appointment(
        by=by,
        person=person,
        data={"starts_at": starts_at, "ends_at": starts_at + hours * HOUR, **data},
        workers=[by] if workers is None else workers,
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x7f")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf(marker: str = "CONFIDENTIEL-1234") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% "
        + marker.encode()
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)


def webp() -> bytes:
    return b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)


def heic() -> bytes:
    return struct.pack(">I", 24) + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(64)


def _zip(first_name: str, first_content: bytes, *others: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(first_name, first_content)
        for name, content in others:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip("word/document.xml", b"<w:document/>", ("[Content_Types].xml", b"<Types/>"))


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Budget"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return _zip("mimetype", b"application/vnd.oasis.opendocument.text", ("content.xml", b"<x/>"))


def ods() -> bytes:
    return _zip(
        "mimetype", b"application/vnd.oasis.opendocument.spreadsheet", ("content.xml", b"<x/>")
    )


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def doc() -> bytes:
    return _OLE + bytes(504) + b"\xec\xa5\xc1\x00" + bytes(600)


def xls() -> bytes:
    return _OLE + bytes(504) + b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(600)


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200) + b"PE\x00\x00"


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(200)
