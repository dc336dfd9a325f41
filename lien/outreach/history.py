"""What the history of a street-work record shows to whom (registered in lien.audit.history
from OutreachConfig.ready): the same people as the record's own page, and no more of it.

- Presences, encounters and drop-in visits: their page is their edit page, so their history
  is for those who may change them (policy.outreach_record_editable; another team's: 404).
- Observations: the team's, as their page; custom fields only those the reader may read.
- Mediations: for those who record mediations, as their page.

The people named on an encounter or a mediation are kept by their public ids: a history names
them as the street-work pages do (nickname, else first name), and only those the reader sees
today; the others are counted.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lien.access import policy
from lien.audit.history import RecordKind, Rule, everything, register
from lien.outreach.models import Encounter, Mediation, Observation, Passage, Presence
from lien.outreach.services_records import public_ids
from lien.people.models import Person


def people_as_seen(user, values: list[str]) -> dict[str, str]:
    """{kept list of public ids: the people as `user` may read them today}, in one query."""
    kept = {value: public_ids([value]) for value in values}
    wanted = {public_id for ids in kept.values() for public_id in ids}
    rows = Person.objects.visible_to(user).filter(public_id__in=wanted)
    seen = {
        str(public_id): nickname or first_name or _("(no name yet)")
        for public_id, nickname, first_name in rows.values_list(
            "public_id", "nickname", "first_name"
        )
    }
    texts = {}
    for value, ids in kept.items():
        names = sorted(seen[public_id] for public_id in ids if public_id in seen)
        unseen = sum(1 for public_id in ids if public_id not in seen)
        if unseen:
            names.append(
                ngettext(
                    "%(count)d person you do not see",
                    "%(count)d people you do not see",
                    unseen,
                )
                % {"count": unseen}
            )
        texts[value] = ", ".join(names)
    return texts


def _services_given(user, values: list[str]) -> dict[str, str]:
    labels = dict(Passage.Service.choices)
    return {
        value: ", ".join(str(labels.get(code.strip(), code.strip())) for code in value.split(","))
        for value in values
    }


def _observation_custom_labels(user) -> dict[str, str]:
    """The observation custom fields the user may read today, by the name their changes are
    recorded under."""
    from lien.customfields.models import CustomField

    fields = policy.custom_fields_for(
        user, CustomField.objects.all(), CustomField.Entity.OBSERVATION
    )
    pairs = fields.values_list("public_id", "label")
    return {f"custom:{public_id}": label for public_id, label in pairs}


def _observation_fields(user):
    custom = _observation_custom_labels(user)
    return lambda name: not name.startswith("custom:") or name in custom


def _title(label: str, when, team) -> str:
    return f"{label} · {date_format(timezone.localtime(when), 'SHORT_DATETIME_FORMAT')} · {team}"


def _record_editable(user, record) -> bool:
    return policy.outreach_record_editable(user, record)


def _street_kind(model, label, when: str, url_name: str, rule: Rule, *, readable=None):
    """A street-work record's history: the records of the reader's teams, titled by what it
    is, when and which team, linking to the record's page."""
    return RecordKind(
        visible=lambda user: model.objects.visible_to(user).select_related("team"),
        readable=readable,
        title=lambda user, record: _title(str(label), getattr(record, when), record.team.name),
        url=lambda record: reverse(url_name, args=[record.public_id]),
        rules={model._meta.model_name: rule},
    )


def register_kinds() -> None:
    people = {"persons": people_as_seen}
    register(
        "outreach.encounter",
        _street_kind(
            Encounter,
            gettext_lazy("Encounter"),
            "occurred_at",
            "outreach:encounter_edit",
            Rule(
                Encounter,
                everything,
                labels=lambda user: {"counts": _("People counted")},
                shown_as=people,
            ),
            readable=_record_editable,
        ),
    )
    register(
        "outreach.presence",
        _street_kind(
            Presence,
            gettext_lazy("Presence"),
            "started_at",
            "outreach:presence_edit",
            Rule(Presence, everything),
            readable=_record_editable,
        ),
    )
    register(
        "outreach.passage",
        _street_kind(
            Passage,
            gettext_lazy("Drop-in visit"),
            "occurred_at",
            "outreach:passage_edit",
            Rule(Passage, everything, shown_as={"services": _services_given}),
            readable=_record_editable,
        ),
    )
    register(
        "outreach.observation",
        _street_kind(
            Observation,
            gettext_lazy("Observation"),
            "observed_at",
            "outreach:observation_detail",
            Rule(Observation, _observation_fields, labels=_observation_custom_labels),
        ),
    )
    register(
        "outreach.mediation",
        _street_kind(
            Mediation,
            gettext_lazy("Mediation"),
            "occurred_at",
            "outreach:mediation_detail",
            Rule(Mediation, everything, shown_as=people),
        ),
    )
