import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnerQuerySet":
        from lien.access import policy

        return policy.partners_visible_to(user, self)

    def active(self) -> "PartnerQuerySet":
        return self.filter(archived_at__isnull=True)

    def search(self, query: str) -> "PartnerQuerySet":
        """Partners matching every word of `query` in their name, services, languages,
        address, postcode or commune, or in their sector's name (in the current language)."""
        results = self
        for word in query.split()[:8]:
            folded = word.casefold()
            sectors = [c.value for c in Partner.Sector if folded in str(c.label).casefold()]
            results = results.filter(
                Q(name__icontains=word)
                | Q(services__icontains=word)
                | Q(languages__icontains=word)
                | Q(address__icontains=word)
                | Q(postcode__icontains=word)
                | Q(commune__icontains=word)
                | Q(sector__in=sectors)
            )
        return results


class Partner(models.Model):
    """An organisation outside the team that people are oriented or referred to."""

    class Sector(models.TextChoices):
        CPAS = "cpas", _("CPAS and public social services")
        HEALTH = "health", _("Health")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        ADDICTIONS = "addictions", _("Addictions")
        HOUSING = "housing", _("Housing")
        EMPLOYMENT = "employment", _("Employment and training")
        LEGAL = "legal", _("Legal aid and justice")
        ADMINISTRATION = "administration", pgettext_lazy("partner sector", "Administration")
        YOUTH = "youth", _("Youth")
        BASIC_NEEDS = "basic_needs", _("Basic needs (food, clothes, showers)")
        DEBT = "debt", _("Debt mediation")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    services = models.CharField(_("services offered"), max_length=2000, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=500, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    notes = models.CharField(_("notes"), max_length=2000, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "archived_at", "name"], name="partner_org_name_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "organisation",
                condition=Q(archived_at__isnull=True),
                name="partner_unique_active_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PartnerContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnerContactQuerySet":
        from lien.access import policy

        return policy.partner_contacts_visible_to(user, self)

    def active(self) -> "PartnerContactQuerySet":
        return self.filter(archived_at__isnull=True)


class PartnerContact(models.Model):
    """Someone to call at a partner: a named social worker, a doctor, a reception desk."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contacts")
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("function"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = PartnerContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index(fields=["partner", "archived_at"], name="partner_contact_partner_idx")
        ]

    def __str__(self) -> str:
        return self.full_name
