import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        from lien.access import policy

        return policy.persons_visible_to(user, self)

    def not_archived(self) -> "PersonQuerySet":
        return self.exclude(status=Person.Status.ARCHIVED)


class Person(models.Model):
    """Someone the organisation works with. May start as a nickname only."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Woman")
        MALE = "M", _("Man")
        X = "X", _("X")
        UNKNOWN = "U", _("Unknown")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left the active file")
        ARCHIVED = "archived", _("Archived")

    class ResidenceStatus(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        BELGIAN = "belgian", _("Belgian")
        EU = "eu", _("EU citizen")
        REGISTERED = "registered", _("Registered foreigner (population register)")
        FOREIGNERS_REGISTER = "foreigners_register", _("Foreigners register")
        ASYLUM = "asylum", _("Asylum procedure")
        IRREGULAR = "irregular", _("No legal residence")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    other_names = models.CharField(_("other names and spellings"), max_length=300, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("birth month"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    niss = EncryptedTextField(_("national register or BIS number"), blank=True)
    niss_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    niss_checksum_ok = models.BooleanField(default=False, editable=False)
    residence_status = models.CharField(
        _("residence status"), max_length=30, choices=ResidenceStatus.choices, blank=True
    )
    address = models.CharField(_("domicile or reference address"), max_length=300, blank=True)
    alert = models.BooleanField(_("alert"), default=False)
    alert_note = models.CharField(_("alert note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "nickname", "pk"]
        indexes = [
            models.Index(fields=["organisation", "niss_index"], name="person_org_niss_idx"),
            models.Index(fields=["organisation", "birth_year"], name="person_org_birth_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_day__gte=1, birth_day__lte=31),
                name="person_birth_day_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_month__isnull=False),
                name="person_birth_day_needs_month",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_year__isnull=False),
                name="person_birth_month_needs_year",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        if full and self.nickname:
            return f"{full} « {self.nickname} »"
        return full or (f"« {self.nickname} »" if self.nickname else str(_("(no name yet)")))

    @property
    def birth_date_display(self) -> str:
        if self.birth_year is None:
            return ""
        if self.birth_month is None:
            return str(self.birth_year)
        if self.birth_day is None:
            return f"{self.birth_month:02d}/{self.birth_year}"
        return f"{self.birth_day:02d}/{self.birth_month:02d}/{self.birth_year}"

    @property
    def birth_date_iso(self) -> str:
        """'YYYY' or 'YYYY-MM-DD', as the matcher reads it."""
        if self.birth_year is None:
            return ""
        if self.birth_month is None or self.birth_day is None:
            return str(self.birth_year)
        return f"{self.birth_year:04d}-{self.birth_month:02d}-{self.birth_day:02d}"

    @property
    def age(self) -> int | None:
        if self.birth_year is None:
            return None
        today = timezone.localdate()
        age = today.year - self.birth_year
        if self.birth_month and self.birth_day:
            try:
                birthday = datetime.date(today.year, self.birth_month, self.birth_day)
            except ValueError:  # 29 February in a common year
                birthday = datetime.date(today.year, 3, 1)
            if birthday > today:
                age -= 1
        return age

    def as_match_record(self) -> dict:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "nickname": self.nickname,
            "birth_date": self.birth_date_iso,
        }


class PersonSearchKey(models.Model):
    """Canonical keys of a person's name tokens (see matching.search_keys), for indexed search
    that finds spelling variants: "Mohamed" finds "Muhammad"."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organisation", "key"], name="person_search_key_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="person_search_key_unique")
        ]

    def __str__(self) -> str:
        return self.key
