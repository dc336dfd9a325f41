"""Documents attached to a person's file: checked, encrypted, audited."""

import re
import unicodedata

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.accounts.models import User
from lien.audit.services import record
from lien.casework.models import Document, DocumentContent

# What Lien accepts, by the type read from the content, with the file-name extensions that
# may go with it. Anything else (executables, archives, scripts, unknown content) is refused.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
}
FILE_NAME_MAX_LENGTH = 150
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*;]')


def accepted_extensions() -> list[str]:
    return sorted({ext for extensions in ALLOWED_TYPES.values() for ext in extensions})


def clean_file_name(name: str) -> str:
    """The last path component, without control or direction-changing characters nor
    characters that mean something to a shell or a file system; at most 150 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = " ".join(_UNSAFE_IN_NAMES.sub("_", name).split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()[:10]
    stem = stem[: FILE_NAME_MAX_LENGTH - len(extension) - 1].strip(" .") or "document"
    return f"{stem}.{extension}" if extension else stem


def detect_content_type(content: bytes, file_name: str) -> str:
    """The content type read from the bytes; refused unless Lien accepts it and the file
    name's extension goes with it (a program renamed .pdf is refused)."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "This kind of file is not accepted. Accepted: PDF, pictures (JPEG, PNG, WebP, "
                "HEIC) and office documents (Word, Excel, OpenDocument)."
            ),
            code="type",
        )
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    if extension and extension not in ALLOWED_TYPES[kind.mime]:
        raise ValidationError(
            _(
                "The file's content (%(kind)s) does not match its name (.%(extension)s). "
                "Nothing was saved."
            )
            % {"kind": kind.extension.upper(), "extension": extension},
            code="extension",
        )
    return kind.mime


def check_size(size: int) -> None:
    limit = settings.LIEN_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def upload_document(*, by: User, person, title: str, file_name: str, content: bytes) -> Document:
    check_size(len(content))
    file_name = clean_file_name(file_name)
    content_type = detect_content_type(content, file_name)
    if "." not in file_name:
        file_name = f"{file_name}.{ALLOWED_TYPES[content_type][0]}"
    with transaction.atomic():
        document = Document.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            title=title.strip() or file_name,
            file_name=file_name,
            content_type=content_type,
            size=len(content),
            uploaded_by=by,
        )
        DocumentContent.objects.create(document=document, data=content)
        record(action="document.uploaded", actor=by, obj=document, fields=["person"])
    return document


def read_document(*, by: User, document: Document) -> bytes:
    """The decrypted bytes, for a download the caller has already allowed; audited."""
    with transaction.atomic():
        data = DocumentContent.objects.get(document=document).data
        record(action="document.downloaded", actor=by, obj=document)
    return data


def archive_document(*, by: User, document: Document) -> Document:
    """Take a document off the file. Nothing is deleted: the bytes stay, encrypted."""
    if document.archived_at is not None:
        return document
    with transaction.atomic():
        document.archived_at = timezone.now()
        document.archived_by = by
        document.save(update_fields=["archived_at", "archived_by"])
        record(action="document.archived", actor=by, obj=document, fields=["archived_at"])
    return document
