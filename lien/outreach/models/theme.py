"""The themes talked about in the street: an organisation's own vocabulary."""

import uuid

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class ThemeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ThemeQuerySet":
        from lien.access import policy

        return policy.outreach_vocabulary_visible_to(user, self)

    def active(self) -> "ThemeQuerySet":
        return self.filter(archived_at__isnull=True)


class Theme(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Stable across label edits: the seed finds its rows by it.
    code = models.SlugField(_("code"), max_length=40)
    label_fr = models.CharField(_("label in French"), max_length=100)
    label_nl = models.CharField(_("label in Dutch"), max_length=100)
    label_en = models.CharField(_("label in English"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="theme_unique_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (translation.get_language() or "fr")[:2]
        return getattr(self, f"label_{language}", "") or self.label_fr
