"""Values a history keeps as references (the public ids of people) are shown as the reader may
read them today, read once per field and page, whatever the number of changes."""

import json
import uuid

from lien.audit import history
from lien.audit.models import AuditEvent
from lien.audit.services import ACTIONS
from lien.people.models import Person


def _event(action: str, fields: list[str], values: dict) -> AuditEvent:
    event = AuditEvent(action=action, fields=fields, public_id=uuid.uuid4())
    event.previous = json.dumps({"event": str(event.public_id), "values": values})
    return event


def test_references_are_shown_through_one_call_per_field(social_worker):
    calls = []

    def shown(user, values):
        calls.append((user, list(values)))
        return {value: value.upper() for value in values}

    rules = {"person": history.Rule(Person, history.everything, shown_as={"nickname": shown})}
    events = [
        _event("person.changed", ["nickname"], {"nickname": value}) for value in ("a", "b", "a")
    ]
    events.append(_event("person.changed", ["nickname"], {"nickname": None}))
    changes = history.changes(social_worker, rules, events, ACTIONS)
    assert calls == [(social_worker, ["a", "b"])]
    assert [change.shown[0].before for change in changes] == ["A", "B", "A", None]
    assert all(change.shown[0].kept for change in changes)


def test_a_reference_the_reader_may_not_read_is_never_shown(social_worker):
    def shown(user, values):
        raise AssertionError("not asked for a field the reader may not read")

    rules = {
        "person": history.Rule(
            Person, lambda user: history.only(["phone"]), shown_as={"nickname": shown}
        )
    }
    changes = history.changes(
        social_worker,
        rules,
        [_event("person.changed", ["nickname"], {"nickname": "a"})],
        ACTIONS,
    )
    assert changes[0].shown == [] and changes[0].hidden == 1
