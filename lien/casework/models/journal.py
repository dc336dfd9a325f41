"""Notes and interviews about a person, encrypted at rest."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "JournalEntryQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.journal_entries_visible_to(user, self, person=person)


class JournalEntry(models.Model):
    """A note or an interview about a person. Its text is encrypted at rest."""

    MAX_LENGTH = 20_000

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        INTERVIEW = "interview", _("Interview")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        HOME_VISIT = "home_visit", _("Home visit")
        STREET = "street", _("In the street")
        VIDEO = "video", _("Video call")
        LETTER = "letter", _("Letter or email")

    class Visibility(models.TextChoices):
        TEAM = "team", _("Team (social workers of the teams following the person)")
        SHARED = "shared", _("Shared (also house managers)")
        PRIVATE = "private", _("Private (only me)")

    class Section(models.TextChoices):
        GENERAL = "general", _("General")
        HEALTH = "health", _("Health")
        ADDICTIONS = "addictions", _("Addictions")
        JUSTICE = "justice", _("Justice")
        RESIDENCE = "residence", _("Residence status")

    SENSITIVE_SECTIONS = frozenset({"health", "addictions", "justice", "residence"})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="journal_entries"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON
    )
    visibility = models.CharField(
        _("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.TEAM
    )
    section = models.CharField(
        _("section"), max_length=12, choices=Section.choices, default=Section.GENERAL
    )
    text = EncryptedTextField(_("text"))
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="journal_person_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def is_sensitive(self) -> bool:
        return self.section in self.SENSITIVE_SECTIONS
