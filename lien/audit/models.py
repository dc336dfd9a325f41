import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.core.fields import EncryptedTextField


class AppendOnlyError(Exception):
    """Audit events are written once and never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditEventQuerySet":
        from lien.access import policy

        return policy.audit_events_visible_to(user, self)

    def for_object(self, object_type: str, object_id) -> "AuditEventQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))

    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. The values a change replaced are
    kept encrypted in `previous` (never the new ones: the record holds them)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # {"event": public id, "values": {field: previous value as text}}, encrypted. The event's
    # own id inside the token ties it to this row: a token copied onto another event is refused.
    previous = EncryptedTextField(_("previous values"), null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at", "-id"], name="audit_org_time_idx"),
            models.Index(fields=["organisation", "object_type", "object_id"], name="audit_obj_idx"),
            models.Index(fields=["organisation", "actor", "-occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def previous_values(self) -> dict[str, str]:
        """The values the change replaced, {field: text}; empty when none were kept or when
        the stored token belongs to another event."""
        if not self.previous:
            return {}
        payload = json.loads(self.previous)
        if payload.get("event") != str(self.public_id):
            return {}
        return dict(payload.get("values") or {})
