import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        from lien.access import policy

        return policy.persons_visible_to(user, self)

    def not_archived(self) -> "PersonQuerySet":
        return self.exclude(status=Person.Status.ARCHIVED)

    def not_merged(self) -> "PersonQuerySet":
        """Files that take new records: a file merged into another one points there instead."""
        return self.filter(merged_into__isnull=True)

    def active(self) -> "PersonQuerySet":
        return self.filter(status=Person.Status.ACTIVE)


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
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when this file was merged into another one (see merging.py); the row stays, archived.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_people",
        # Indexed below on the merged files only: every visibility check looks for files
        # merged into the people a team follows, and a full index made that one lookup per
        # followed person; the few merged files fit in a page or two.
        db_index=False,
    )
    is_demo = models.BooleanField(default=False)
    # The latest journal entry, street encounter or drop-in visit naming the person (archived
    # ones left out), kept by the services that write them (lien.casework.contacts): Today's
    # "not seen for N days" reads it instead of looking up each followed person's latest.
    last_contact_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            models.Index(
                fields=["merged_into"],
                name="person_merged_into_idx",
                condition=Q(merged_into__isnull=False),
            ),
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
            models.CheckConstraint(
                condition=~Q(status="left") | Q(left_on__isnull=False),
                name="person_left_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="archived"),
                name="person_merged_is_archived",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="person_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # The last contact is moved by UPDATEs of its own (lien.casework.contacts): saving a
        # copy of the file read earlier must not put an older date back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "last_contact_at"
            ]
        super().save(*args, **kwargs)

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

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

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


class IdentityDocumentQuerySet(models.QuerySet):
    def visible_to(self, user, *, person=None) -> "IdentityDocumentQuerySet":
        """What `user` may see; given `person`, only that person's."""
        from lien.access import policy

        return policy.identity_documents_visible_to(user, self, person=person)

    def current(self) -> "IdentityDocumentQuerySet":
        return self.filter(archived_at__isnull=True)

    def expiring_within(self, days: int) -> "IdentityDocumentQuerySet":
        """Current documents that expire between today and `days` from now (not those already
        expired), of people whose file is not archived; soonest first."""
        today = timezone.localdate()
        return (
            self.current()
            .filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
            .exclude(person__status=Person.Status.ARCHIVED)
            .order_by("expires_on", "pk")
        )

    def expired(self) -> "IdentityDocumentQuerySet":
        return self.current().filter(expires_on__lt=timezone.localdate())


class IdentityDocument(models.Model):
    """An identity or residence document a person holds (DOMAIN.md §4), tracked for expiry."""

    NOTE_MAX_LENGTH = 2000
    NUMBER_MAX_LENGTH = 50

    class Kind(models.TextChoices):
        BELGIAN_EID = "be_eid", _("Belgian identity card (eID)")
        KIDS_ID = "kids_id", _("Kids-ID (under 12)")
        POLICE_CERTIFICATE = "police_certificate", _("Police certificate of loss or theft")
        PASSPORT = "passport", _("Passport")
        CARD_A = "card_a", _("Card A (limited stay)")
        CARD_B = "card_b", _("Card B (unlimited stay)")
        CARD_K = "card_k", _("Card K (establishment, formerly C)")
        CARD_L = "card_l", _("Card L (long-term resident, formerly D)")
        CARD_EU = "card_eu", _("EU card (formerly E)")
        CARD_EU_PLUS = "card_eu_plus", _("EU+ card (formerly E+)")
        CARD_F = "card_f", _("Card F (family member)")
        CARD_F_PLUS = "card_f_plus", _("Card F+ (family member, permanent)")
        CARD_H = "card_h", _("Card H (EU Blue Card)")
        CARD_M = "card_m", _("Card M (UK withdrawal agreement)")
        CARD_N = "card_n", _("Card N (UK frontier worker)")
        CARD_C = "card_c", _("Card C (old model)")
        CARD_D = "card_d", _("Card D (old model)")
        CARD_E = "card_e", _("Card E (old model)")
        CARD_E_PLUS = "card_e_plus", _("Card E+ (old model)")
        ORANGE_CARD = "orange_card", _("Registration certificate (orange card)")
        RESIDENCE_ANNEX = "residence_annex", _("Residence permit or annex")
        OTHER = "other", _("Other")

    # Documents that do not tell anything about a person's residence status: the only ones a
    # role without the right to sensitive sections (a house manager) is shown.
    NON_RESIDENCE_KINDS = frozenset(
        {Kind.BELGIAN_EID, Kind.KIDS_ID, Kind.POLICE_CERTIFICATE, Kind.PASSPORT, Kind.OTHER}
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identity_documents")
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    number = EncryptedTextField(_("document number"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = IdentityDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = [F("expires_on").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["organisation", "expires_on"], name="identity_doc_expiry_idx"),
            models.Index(fields=["person", "archived_at"], name="identity_doc_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="identity_document_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def masked_number(self) -> str:
        """The number as shown on screen: only its last characters (4, or 3 if it is short)."""
        compact = "".join(self.number.split())
        if not compact:
            return ""
        shown = 4 if len(compact) >= 8 else 3 if len(compact) >= 6 else 0
        return "•••• " + compact[len(compact) - shown :] if shown else "••••"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_residence_document(self) -> bool:
        return self.kind not in self.NON_RESIDENCE_KINDS


class RelationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RelationQuerySet":
        from lien.access import policy

        return policy.relations_visible_to(user, self)

    def current(self) -> "RelationQuerySet":
        return self.filter(archived_at__isnull=True)

    def involving(self, person: Person) -> "RelationQuerySet":
        return self.filter(Q(person=person) | Q(relative=person))


@dataclass(frozen=True)
class RelationSeen:
    """A relation as it reads from one person's file: who the other is to them."""

    relation: "Relation"
    other: Person
    label: str


class Relation(models.Model):
    """`relative` is the `kind` of `person` (e.g. her parent); read the other way on the
    relative's file (his child). One current relation per pair of people."""

    NOTE_MAX_LENGTH = 1000

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner or spouse")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Brother or sister")
        OTHER_FAMILY = "other_family", _("Other family")
        FRIEND = "friend", _("Friend")
        GROUP = "group", _("Same group (street group)")

    INVERSE = {Kind.PARENT: Kind.CHILD, Kind.CHILD: Kind.PARENT}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relations")
    relative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relations_as_relative"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["relative"], name="relation_relative_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("relative")), name="relation_not_with_oneself"
            ),
            # Either way round, a pair of people has one current relation.
            models.UniqueConstraint(
                Least("person", "relative"),
                Greatest("person", "relative"),
                condition=Q(archived_at__isnull=True),
                name="relation_one_current_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="relation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def seen_from(self, person: Person) -> RelationSeen:
        if person.pk == self.person_id:
            return RelationSeen(self, self.relative, self.get_kind_display())
        kind = self.INVERSE.get(self.kind, self.kind)
        return RelationSeen(self, self.person, self.Kind(kind).label)


class PersonMergeQuerySet(models.QuerySet):
    def visible_to(self, user, *, kept=None) -> "PersonMergeQuerySet":
        """What `user` may see; given `kept`, only the merges into that file."""
        from lien.access import policy

        return policy.person_merges_visible_to(user, self, kept=kept)

    def not_undone(self) -> "PersonMergeQuerySet":
        return self.filter(undone_at__isnull=True)


class PersonMerge(models.Model):
    """Two files of the same person made one, with what it takes to undo it.

    `moved` lists the rows carried over ({"model", "field", "pks"}); `changes` what else the
    merge did to them (follow-ups ended, relations archived, the absorbed file's former
    status); `overwritten` the kept file's identity values replaced, encrypted as they can be
    sensitive (a national number).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    overwritten = EncryptedTextField(blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge of two files")
        verbose_name_plural = _("merges of files")
        ordering = ["-merged_at", "-pk"]
        indexes = [
            models.Index(fields=["kept", "undone_at"], name="person_merge_kept_idx"),
            models.Index(fields=["absorbed", "undone_at"], name="person_merge_absorbed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=F("absorbed")), name="person_merge_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"

    @property
    def moved_count(self) -> int:
        return sum(len(entry["pks"]) for entry in self.moved)
