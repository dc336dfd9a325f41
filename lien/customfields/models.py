"""Fields an organisation adds to its records (a person's file for now), and their values.

A definition (`CustomField`) names the entity it belongs to; values (`CustomValue`) point at
the entity's row by its integer key, so that this app depends on no domain app: people, and
later outreach, read and write their values through `services.save_values`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class CustomFieldQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomFieldQuerySet":
        from lien.access import policy

        return policy.custom_fields_visible_to(user, self)

    def usable_by(self, user, entity: str) -> "CustomFieldQuerySet":
        """The live fields of `entity` that `user` may see and fill."""
        from lien.access import policy

        return policy.custom_fields_for(user, self, entity)

    def active(self) -> "CustomFieldQuerySet":
        return self.filter(archived_at__isnull=True)


class CustomField(models.Model):
    """A typed field an organisation admin adds to an entity, for everybody or one team."""

    LABEL_MAX_LENGTH = 200
    HELP_TEXT_MAX_LENGTH = 500
    OPTION_MAX_LENGTH = 200
    MAX_OPTIONS = 100

    class Entity(models.TextChoices):
        # A new entity: a choice here, its model in services.ENTITY_MODELS, its right in
        # policy.CUSTOM_FIELD_ENTITY_PERMS.
        PERSON = "person", _("Person")
        OBSERVATION = "observation", _("Street observation")

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")

    CHOICE_KINDS = frozenset({Kind.CHOICE, Kind.MULTIPLE_CHOICE})
    # Kinds a list can be filtered on (never a sensitive field, whatever its kind).
    FILTER_KINDS = frozenset(
        {Kind.CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO, Kind.NUMBER, Kind.DATE}
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    entity = models.CharField(
        _("record"), max_length=20, choices=Entity.choices, default=Entity.PERSON
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for this team"),
    )
    label = models.CharField(_("label"), max_length=LABEL_MAX_LENGTH)
    help_text = models.CharField(_("help text"), max_length=HELP_TEXT_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The options of a choice, one per line. A value keeps the option's text, so an option
    # taken out of the list still reads on the values that chose it.
    choices = models.TextField(_("options"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = CustomFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "position", "label", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "entity", "archived_at"], name="customfield_org_entity_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="customfield_has_a_label"),
            models.CheckConstraint(
                condition=Q(kind__in=["choice", "multiple_choice"]) | Q(choices=""),
                name="customfield_options_only_for_choices",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def options(self) -> list[str]:
        return [line for line in self.choices.split("\n") if line]

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_filterable(self) -> bool:
        return self.kind in self.FILTER_KINDS and not self.sensitive

    @property
    def form_name(self) -> str:
        """The name of its input in forms and in the list's filters (`?cf_<public id>=…`)."""
        return f"cf_{self.public_id}"


class CustomValue(models.Model):
    """One value of a custom field for one record; a multiple choice has one row per option.

    Values of a non-sensitive field sit in the column of their type, indexed for filtering.
    Every value of a sensitive field is encrypted in `value_secret` (one row, serialised),
    whatever its kind: it is never filtered on, so nothing of it needs to be readable.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(CustomField, on_delete=models.PROTECT, related_name="values")
    # The record's integer key: used inside the database only, never in a URL.
    object_id = models.PositiveBigIntegerField()
    value_text = models.TextField(blank=True)
    # A chosen option: short and indexed (free text is not, as it can be long).
    value_option = models.CharField(max_length=CustomField.OPTION_MAX_LENGTH, blank=True)
    value_number = models.DecimalField(max_digits=19, decimal_places=4, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    value_secret = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("custom field value")
        verbose_name_plural = _("custom field values")
        indexes = [
            models.Index(fields=["object_id", "field"], name="customvalue_object_idx"),
            models.Index(
                fields=["field", "value_option", "object_id"], name="customvalue_option_idx"
            ),
            models.Index(
                fields=["field", "value_number", "object_id"], name="customvalue_number_idx"
            ),
            models.Index(fields=["field", "value_date", "object_id"], name="customvalue_date_idx"),
            models.Index(fields=["field", "value_bool", "object_id"], name="customvalue_bool_idx"),
        ]
        constraints = [
            # One row per record and field, or per record, field and option (multiple choice).
            models.UniqueConstraint(
                fields=["field", "object_id", "value_option"], name="customvalue_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field_id}:{self.object_id}"


def fields_for(user, entity: str) -> list[CustomField]:
    """The live fields of `entity` that `user` may see and fill, in their order (one query)."""
    return list(CustomField.objects.usable_by(user, entity).order_by("position", "label", "pk"))
