"""The history of one record for those who may see it: each change, who made it, when, which
fields, and the values it replaced — only those the reader may read today.

The audit app cannot know every record type (dependencies flow towards it), so each app
registers its records here from its AppConfig.ready: how to find one among those the user
sees (a queryset of lien.access.policy), and, per kind of action, which fields' previous values
the user may read. Deny by default: a record type or an action without a rule shows no values,
and a field the rule does not allow is counted, never named.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

# Actions that read rather than change: they are not part of a record's history of changes.
READ_SUFFIXES = (".viewed", ".read", ".downloaded", ".searched", ".exported")


@dataclass(frozen=True)
class Rule:
    """The fields of `model` changed by actions `<prefix>.*`, and which the user may read:
    `readable(user)` returns a predicate over field names (built once per page)."""

    model: type[models.Model]
    readable: Callable[[object], Callable[[str], bool]]
    # Labels of names that are not model fields (custom fields' `custom:<id>`), per user.
    labels: Callable[[object], dict[str, str]] | None = None
    # Fields whose values are kept as references, not text (the public ids of the people
    # named on a record): `shown_as[name](user, values)` gets every kept value of that field
    # on the page at once and returns {value: text as the user may read it today}.
    shown_as: Mapping[str, Callable[[object, list[str]], dict[str, str]]] = field(
        default_factory=dict
    )


@dataclass
class RecordKind:
    visible: Callable[[object], models.QuerySet]
    title: Callable[[object, models.Model], str]
    url: Callable[[models.Model], str] | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    # For records whose own page asks more than seeing them (a street-work record's page is
    # its edit page): False answers 403 there, and here too.
    readable: Callable[[object, models.Model], bool] | None = None


KINDS: dict[str, RecordKind] = {}
# Rules other apps add to a record type, whatever the order the apps are ready in.
_ADDED_RULES: dict[str, dict[str, Rule]] = {}


def register(object_type: str, kind: RecordKind) -> None:
    KINDS[object_type] = kind


def add_rule(object_type: str, prefix: str, rule: Rule) -> None:
    """Another app's actions recorded on this record (the circle on a person's file)."""
    _ADDED_RULES.setdefault(object_type, {})[prefix] = rule


def rules_for(object_type: str) -> dict[str, Rule]:
    return {**KINDS[object_type].rules, **_ADDED_RULES.get(object_type, {})}


def everything(user) -> Callable[[str], bool]:
    return lambda name: True


def only(names: Iterable[str]) -> Callable[[str], bool]:
    allowed = frozenset(names)
    return allowed.__contains__


def nothing(user) -> Callable[[str], bool]:
    return lambda name: False


@dataclass(frozen=True)
class FieldChange:
    label: str
    kept: bool  # the value before was kept (changes recorded before this was built: not)
    before: str | None  # None: the field was empty


@dataclass
class Change:
    event: object
    label: str
    shown: list[FieldChange]
    hidden: int  # fields changed that the reader may not read


def _display(model: type[models.Model], name: str, value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # a name that is not a field (custom:…, a relation's members)
        return value
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if choices:
        return str(choices.get(value, value))
    return value


def _label(model: type[models.Model], name: str, extra: dict[str, str]) -> str:
    if name in extra:
        return extra[name]
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name.replace("_", " ")


def changes(user, rules: dict[str, Rule], events: Iterable, action_labels: dict) -> list[Change]:
    """The changes of `events` as `user` may read them (rules built once, whatever the count)."""
    predicates: dict[str, Callable[[str], bool]] = {}
    extras: dict[str, dict[str, str]] = {}
    rows = []
    for event in events:
        prefix = event.action.split(".", 1)[0]
        rule = rules.get(prefix)
        if rule is not None and prefix not in predicates:
            predicates[prefix] = rule.readable(user)
            extras[prefix] = rule.labels(user) if rule.labels else {}
        previous = event.previous_values if rule is not None else {}
        names = list(event.fields) + [name for name in previous if name not in event.fields]
        rows.append((event, prefix, rule, previous, names))
    shown = _shown_as(user, rows, predicates)
    result = []
    for event, prefix, rule, previous, names in rows:
        fields, hidden = [], 0
        for name in names:
            if rule is None or not predicates[prefix](name):
                hidden += 1
                continue
            before = previous.get(name)
            if (prefix, name) in shown:
                before = shown[prefix, name].get(before) if before else None
            else:
                before = _display(rule.model, name, before)
            fields.append(
                FieldChange(
                    label=_label(rule.model, name, extras[prefix]),
                    kept=name in previous,
                    before=before,
                )
            )
        result.append(
            Change(
                event=event,
                label=str(action_labels.get(event.action, event.action)),
                shown=fields,
                hidden=hidden,
            )
        )
    return result


def _shown_as(user, rows, predicates) -> dict[tuple[str, str], dict[str, str]]:
    """The text of the referenced values of the page: one call per field, whatever the number
    of changes."""
    wanted: dict[tuple[str, str], tuple[Callable, set[str]]] = {}
    for _event, prefix, rule, previous, _names in rows:
        if rule is None:
            continue
        for name, show in rule.shown_as.items():
            if predicates[prefix](name):
                values = wanted.setdefault((prefix, name), (show, set()))[1]
                if previous.get(name):
                    values.add(previous[name])
    return {
        key: show(user, sorted(values)) if values else {} for key, (show, values) in wanted.items()
    }
