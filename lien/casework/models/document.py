"""Files attached to a person, encrypted at rest."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedBinaryField


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "DocumentQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.documents_visible_to(user, self, person=person)


class Document(models.Model):
    """A file attached to a person's file (an ID scan, a CPAS decision, a certificate)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-uploaded_at"], name="document_person_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentContent(models.Model):
    """The bytes of a document, encrypted (Fernet, the keys of lien.core.crypto)."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="content"
    )
    data = EncryptedBinaryField()

    class Meta:
        verbose_name = _("document content")
        verbose_name_plural = _("document contents")

    def __str__(self) -> str:
        return str(self.document_id)
