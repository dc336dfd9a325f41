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
from django.utils.translation import ngettext

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


def register_kinds() -> None:
    people = {"persons": people_as_seen}
    register(
        "outreach.encounter",
        RecordKind(
            visible=lambda user: Encounter.objects.visible_to(user).select_related("team"),
            readable=_record_editable,
            title=lambda user, encounter: _title(
                _("Encounter"), encounter.occurred_at, encounter.team.name
            ),
            url=lambda encounter: reverse("outreach:encounter_edit", args=[encounter.public_id]),
            rules={
                "encounter": Rule(
                    Encounter,
                    everything,
                    labels=lambda user: {"counts": _("People counted")},
                    shown_as=people,
                )
            },
        ),
    )
    register(
        "outreach.presence",
        RecordKind(
            visible=lambda user: Presence.objects.visible_to(user).select_related("team"),
            readable=_record_editable,
            title=lambda user, presence: _title(
                _("Presence"), presence.started_at, presence.team.name
            ),
            url=lambda presence: reverse("outreach:presence_edit", args=[presence.public_id]),
            rules={"presence": Rule(Presence, everything)},
        ),
    )
    register(
        "outreach.passage",
        RecordKind(
            visible=lambda user: Passage.objects.visible_to(user).select_related("team"),
            readable=_record_editable,
            title=lambda user, passage: _title(
                _("Drop-in visit"), passage.occurred_at, passage.team.name
            ),
            url=lambda passage: reverse("outreach:passage_edit", args=[passage.public_id]),
            rules={"passage": Rule(Passage, everything, shown_as={"services": _services_given})},
        ),
    )
    register(
        "outreach.observation",
        RecordKind(
            visible=lambda user: Observation.objects.visible_to(user).select_related("team"),
            title=lambda user, observation: _title(
                _("Observation"), observation.observed_at, observation.team.name
            ),
            url=lambda observation: reverse(
                "outreach:observation_detail", args=[observation.public_id]
            ),
            rules={
                "observation": Rule(
                    Observation,
                    _observation_fields,
                    labels=_observation_custom_labels,
                )
            },
        ),
    )
    register(
        "outreach.mediation",
        RecordKind(
            visible=lambda user: Mediation.objects.visible_to(user).select_related("team"),
            title=lambda user, mediation: _title(
                _("Mediation"), mediation.occurred_at, mediation.team.name
            ),
            url=lambda mediation: reverse("outreach:mediation_detail", args=[mediation.public_id]),
            rules={"mediation": Rule(Mediation, everything, shown_as=people)},
        ),
    )
