"""What the history of a person's file, an identity document or a relation shows to whom
(registered in lien.audit.history from PeopleConfig.ready)."""

from django.urls import reverse

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.history import RecordKind, Rule, everything, nothing, only, register
from lien.people.models import IdentityDocument, Person, Relation

# What a role shown the minimal identity (a field volunteer) reads of a file.
MINIMAL_FIELDS = ("nickname", "first_name", "status")
# The residence status is a sensitive section.
SENSITIVE_FIELDS = ("residence_status",)


def _person_fields(user):
    perms = policy.permissions_of(user)
    if Perm.VIEW_IDENTITY not in perms:
        return only(MINIMAL_FIELDS)
    custom = _custom_labels(user)
    sensitive = Perm.VIEW_SENSITIVE in perms

    def readable(name: str) -> bool:
        if name.startswith("custom:"):
            return name in custom
        return sensitive or name not in SENSITIVE_FIELDS

    return readable


def _custom_labels(user) -> dict[str, str]:
    """The person custom fields the user may read today (sensitive and other teams' ones
    only to those who may), by the name their changes are recorded under."""
    from lien.customfields.models import CustomField

    fields = policy.custom_fields_for(user, CustomField.objects.all(), CustomField.Entity.PERSON)
    pairs = fields.values_list("public_id", "label")
    return {f"custom:{public_id}": label for public_id, label in pairs}


def _document_fields(user):
    # The kind before may have been a residence document: only for the sensitive right.
    if policy.has_perm(user, Perm.VIEW_SENSITIVE):
        return everything(user)
    return lambda name: name != "kind"


def _person_title(user, person: Person) -> str:
    if policy.has_perm(user, Perm.VIEW_IDENTITY):
        return person.display_name
    return person.nickname or person.first_name


def register_kinds() -> None:
    register(
        "people.person",
        RecordKind(
            visible=lambda user: Person.objects.visible_to(user),
            title=_person_title,
            url=lambda person: reverse("people:person_detail", args=[person.public_id]),
            rules={
                "person": Rule(
                    Person,
                    _person_fields,
                    labels=lambda user: (
                        _custom_labels(user) if policy.has_perm(user, Perm.VIEW_IDENTITY) else {}
                    ),
                ),
                # Merges name the other file: field names only.
                "merge": Rule(Person, nothing),
            },
        ),
    )
    register(
        "people.identitydocument",
        RecordKind(
            visible=lambda user: IdentityDocument.objects.visible_to(user),
            title=lambda user, document: f"{document} · {_person_title(user, document.person)}",
            url=lambda document: reverse("people:person_detail", args=[document.person.public_id]),
            rules={"identity_document": Rule(IdentityDocument, _document_fields)},
        ),
    )
    register(
        "people.relation",
        RecordKind(
            visible=lambda user: Relation.objects.visible_to(user),
            title=lambda user, relation: _person_title(user, relation.person),
            url=lambda relation: reverse("people:person_detail", args=[relation.person.public_id]),
            rules={"relation": Rule(Relation, everything)},
        ),
    )
