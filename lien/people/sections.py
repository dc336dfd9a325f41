"""What the people part of a person's file shows beyond the identity: documents, relations,
the file's status and its merges, as the viewer may see them. A fixed number of queries,
whatever the number of documents or relations."""

from lien.access import policy
from lien.access.policy import Perm
from lien.people.models import IdentityDocument, Person, PersonMerge, Relation


def people_sections(user, person: Person) -> dict:
    full_identity = policy.has_perm(user, Perm.VIEW_IDENTITY)
    can_merge = policy.has_perm(user, Perm.MERGE_PERSONS)
    documents, relations, merged_into = [], [], None
    if full_identity:
        documents = list(IdentityDocument.objects.visible_to(user, person=person))
        relations = [
            relation.seen_from(person)
            for relation in Relation.objects.visible_to(user)
            .current()
            .involving(person)
            .select_related("person", "relative")
        ]
        if person.merged_into_id:
            merged_into = Person.objects.visible_to(user).filter(pk=person.merged_into_id).first()
    merges = (
        list(
            PersonMerge.objects.visible_to(user, kept=person)
            .not_undone()
            .select_related("absorbed", "merged_by")
        )
        if can_merge
        else []
    )
    return {
        "identity_documents": [d for d in documents if d.archived_at is None],
        "archived_identity_documents": [d for d in documents if d.archived_at is not None],
        "relations": relations,
        "merged_into": merged_into,
        "merges": merges,
        "can_merge": can_merge and not person.merged_into_id,
    }
