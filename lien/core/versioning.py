"""Optimistic locking: a row carries a version; a write names the version it was based on."""

from django.db import models


class EditConflict(Exception):
    """Someone saved the record after the form was opened."""

    def __init__(self, current):
        super().__init__("the record changed since it was read")
        self.current = current


def claim_version(instance: models.Model, *, expected: int) -> None:
    """Bump the row's version if it is still `expected`, else raise EditConflict.

    Call it inside the write's transaction, before saving the other fields.
    """
    model = type(instance)
    updated = model._base_manager.filter(pk=instance.pk, version=expected).update(
        version=models.F("version") + 1
    )
    if updated != 1:
        raise EditConflict(model._base_manager.get(pk=instance.pk))
    instance.version = expected + 1


def keep_typed_values(form, conflict: EditConflict):
    """After a conflict, keep what the user typed in `form`, explain, and let the next save
    start from the saved version (shown beside the form by the template). Returns it."""
    from django.utils.translation import gettext as _

    form.add_error(
        None,
        _(
            "Someone else saved this record while you were editing. Your changes are below "
            "and were not saved; the saved version is shown beside them."
        ),
    )
    form.data = form.data.copy()
    form.data["version"] = conflict.current.version
    return conflict.current


def save_versioned(request, form, write) -> tuple[bool, object | None]:
    """The edit view's save step: for a valid POST, call `write(version)` (one service call).

    Returns (saved, conflict). On a stale version the form keeps what was typed and `conflict`
    is the saved record, for the 409 page; a service's ValidationError becomes a form error.
    """
    from django.core.exceptions import ValidationError

    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        write(form.cleaned_data.get("version") or 0)
    except EditConflict as exc:
        return False, keep_typed_values(form, exc)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False, None
    return True, None
