import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services as casework
from lien.casework.models import FollowUp, JournalEntry, Procedure
from lien.people import merging, services
from lien.people.merging import ABSORB, KEEP
from lien.people.models import IdentityDocument, Person, PersonMerge, PersonSearchKey, Relation

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Refusals are matched on their English text, whatever language an earlier test in
    the same worker left active (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def keep(create_person):
    return create_person(
        first_name="Mohamed", last_name="El Amrani", birth_year=1990, phone="0470 11 11 11"
    )


@pytest.fixture
def absorb(create_person, colleague_elsewhere, other_team, team, social_worker):
    """The same man, recorded again by another team under another spelling, with a NISS;
    the first team follows him too."""
    person = create_person(
        by=colleague_elsewhere,
        team_=other_team,
        first_name="Muhammad",
        last_name="Elamrani",
        nickname="Tonton",
        birth_year=1990,
        birth_month=3,
        birth_day=14,
        niss="90031499760",
    )
    FollowUp.objects.create(organisation=team.organisation, person=person, team=team)
    return person


@pytest.fixture
def coordinator(make_user, organisation, team, other_team):
    """Someone who sees both files: a coordinator of both teams."""
    return make_user(
        Role.COORDINATOR, organisation=organisation, teams=[team, other_team], full_name="Cora"
    )


@pytest.fixture
def friend(create_person):
    return create_person(nickname="Kiki")


@pytest.fixture
def elsewhere(create_person, colleague_elsewhere, other_team):
    """Someone only the other team follows."""
    return create_person(by=colleague_elsewhere, team_=other_team, nickname="Loin")


def snapshot() -> dict:
    """Everything a merge may touch, to compare before and after an undo."""
    return {
        "people": list(
            Person.objects.order_by("pk").values(
                "pk",
                "first_name",
                "last_name",
                "birth_year",
                "birth_month",
                "birth_day",
                "niss",
                "niss_index",
                "niss_checksum_ok",
                "phone",
                "status",
                "archived_at",
                "merged_into",
            )
        ),
        "follow_ups": list(
            FollowUp.objects.order_by("pk").values("pk", "person", "team", "ended_on", "end_reason")
        ),
        "keys": sorted(PersonSearchKey.objects.values_list("person", "key")),
        "documents": list(IdentityDocument.objects.order_by("pk").values("pk", "person", "kind")),
        "relations": list(
            Relation.objects.order_by("pk").values(
                "pk", "person", "relative", "kind", "archived_at"
            )
        ),
        "journal": list(JournalEntry.objects.order_by("pk").values("pk", "person", "text")),
        "procedures": list(Procedure.objects.order_by("pk").values("pk", "person", "title")),
    }


@pytest.fixture
def full_files(keep, absorb, friend, coordinator, social_worker, colleague_elsewhere):
    """Both files with records of every kind, and relations that need care."""
    services.add_identity_document(
        by=colleague_elsewhere, person=absorb, data={"kind": "passport", "number": "MA998877"}
    )
    services.add_identity_document(by=social_worker, person=keep, data={"kind": "be_eid"})
    for author, person in ((social_worker, keep), (colleague_elsewhere, absorb)):
        casework.add_journal_entry(
            by=author,
            person=person,
            text=f"Entretien avec {person.first_name}",
            kind="interview",
            channel="street",
            visibility="team",
            section="general",
        )
    casework.create_procedure(
        by=colleague_elsewhere, person=absorb, data={"domain": "cpas", "title": "Demande RIS"}
    )
    services.add_relation(by=coordinator, person=absorb, relative=friend, data={"kind": "friend"})
    services.add_relation(by=coordinator, person=keep, relative=absorb, data={"kind": "sibling"})
    return keep, absorb


def merge(by, keep, absorb, **choices):
    return merging.merge_persons(by=by, keep=keep, absorb=absorb, choices=choices)


def test_a_merge_moves_every_record_of_the_absorbed_file(
    full_files, coordinator, friend, team, other_team
):
    keep, absorb = full_files
    done = merge(coordinator, keep, absorb)
    absorb.refresh_from_db()
    assert (absorb.status, absorb.merged_into) == ("archived", keep)
    assert set(IdentityDocument.objects.values_list("person", flat=True)) == {keep.pk}
    assert set(JournalEntry.objects.values_list("person", flat=True)) == {keep.pk}
    assert Procedure.objects.get().person == keep
    # The kept person is followed by both teams; the team that followed both keeps one
    # follow-up open and the other is ended with a reason.
    follow_ups = FollowUp.objects.filter(person=keep)
    assert set(follow_ups.open().values_list("team", flat=True)) == {team.pk, other_team.pk}
    ended = follow_ups.get(ended_on__isnull=False)
    assert ended.team == team and ended.end_reason
    assert not FollowUp.objects.filter(person=absorb).exists()
    # The relation with a third person follows; the one between the two files is archived
    # where it was, never turned into a relation of the person with himself.
    assert Relation.objects.current().get().person == keep
    assert Relation.objects.current().get().relative == friend
    mutual = Relation.objects.get(kind="sibling")
    assert (mutual.person, mutual.relative) == (keep, absorb) and mutual.archived_at
    assert not Relation.objects.filter(person=keep, relative=keep).exists()
    assert {entry["model"] for entry in done.moved} >= {
        "casework.followup",
        "casework.journalentry",
        "casework.procedure",
        "people.identitydocument",
        "people.relation",
    }


def test_the_user_picks_each_identity_value_and_the_overwritten_ones_are_encrypted(
    keep, absorb, coordinator
):
    done = merge(
        coordinator, keep, absorb, first_name=ABSORB, birth_date=ABSORB, niss=ABSORB, phone=KEEP
    )
    keep.refresh_from_db()
    assert (keep.first_name, keep.last_name, keep.phone) == (
        "Muhammad",
        "El Amrani",
        "0470 11 11 11",
    )
    assert (keep.birth_year, keep.birth_month, keep.birth_day) == (1990, 3, 14)
    assert keep.niss == "90031499760" and keep.niss_index == absorb.niss_index
    with connection.cursor() as cursor:
        cursor.execute("SELECT overwritten FROM people_personmerge WHERE id = %s", [done.pk])
        stored = cursor.fetchone()[0]
    assert "90031499760" not in stored and "Mohamed" not in stored
    event = AuditEvent.objects.get(action="person.merged", object_id=str(keep.public_id))
    assert {"first_name", "niss", "birth_month"} <= set(event.fields)
    assert "90031499760" not in str(event.fields) and "Muhammad" not in str(event.fields)
    assert AuditEvent.objects.filter(action="person.merged", object_id=str(absorb.public_id))


def test_a_search_for_any_former_name_finds_the_kept_file(sw_client, keep, absorb, coordinator):
    merge(coordinator, keep, absorb)
    keep.refresh_from_db()
    assert keep.nickname == ""  # the nickname of the merged file was not picked…
    response = sw_client.get(reverse("people:person_list"), {"q": "Tonton"})
    assert list(response.context["results"]) == [keep]  # …and still finds the person


def test_undo_puts_everything_back_exactly(full_files, coordinator):
    keep, absorb = full_files
    before = snapshot()
    done = merge(coordinator, keep, absorb, first_name=ABSORB, niss=ABSORB, birth_date=ABSORB)
    assert snapshot() != before
    merging.undo_merge(by=coordinator, merge=done)
    assert snapshot() == before
    done.refresh_from_db()
    assert done.undone_at and done.undone_by == coordinator
    assert AuditEvent.objects.filter(action="person.merge_undone").count() == 2


def test_a_relation_both_files_had_with_the_same_person_is_kept_once(
    keep, absorb, friend, coordinator
):
    mine = services.add_relation(
        by=coordinator, person=keep, relative=friend, data={"kind": "friend"}
    )
    theirs = services.add_relation(
        by=coordinator, person=friend, relative=absorb, data={"kind": "group"}
    )
    done = merge(coordinator, keep, absorb)
    assert list(Relation.objects.current()) == [mine]
    theirs.refresh_from_db()
    assert theirs.archived_at and theirs.relative == keep
    merging.undo_merge(by=coordinator, merge=done)
    theirs.refresh_from_db()
    assert theirs.archived_at is None and theirs.relative == absorb


def test_both_people_must_be_visible_to_who_merges(
    keep, elsewhere, social_worker, colleague_elsewhere, make_user, organisation, team
):
    for user in (social_worker, colleague_elsewhere):  # each sees one of the two files
        with pytest.raises(PermissionDenied):
            merge(user, keep, elsewhere)
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    with pytest.raises(PermissionDenied):  # sees both, may not merge
        merge(manager, keep, keep)
    assert not PersonMerge.objects.exists()


def test_a_merged_file_cannot_be_merged_or_reactivated_again(keep, absorb, friend, coordinator):
    merge(coordinator, keep, absorb)
    absorb.refresh_from_db()
    with pytest.raises(merging.MergeRefused):
        merge(coordinator, friend, absorb)
    with pytest.raises(ValidationError):
        services.reactivate_person(by=coordinator, person=absorb, version=absorb.version)


def test_undo_is_refused_once_the_kept_file_was_merged_again(keep, absorb, friend, coordinator):
    first = merge(coordinator, keep, absorb)
    keep.refresh_from_db()
    second = merge(coordinator, friend, keep)
    with pytest.raises(merging.MergeRefused, match="merged again"):
        merging.undo_merge(by=coordinator, merge=first)
    merging.undo_merge(by=coordinator, merge=second)
    merging.undo_merge(by=coordinator, merge=first)  # in the right order, both undo
    absorb.refresh_from_db()
    assert absorb.status == "active" and absorb.merged_into is None


def test_undo_is_refused_when_a_value_the_merge_set_was_changed_since(keep, absorb, coordinator):
    done = merge(coordinator, keep, absorb, first_name=ABSORB)
    keep.refresh_from_db()
    services.update_person(
        by=coordinator, person=keep, version=keep.version, data={"first_name": "Mo"}
    )
    with pytest.raises(merging.MergeRefused, match="first name"):
        merging.undo_merge(by=coordinator, merge=done)
    keep.refresh_from_db()
    assert keep.first_name == "Mo"


def test_undo_is_refused_twice(keep, absorb, coordinator):
    done = merge(coordinator, keep, absorb)
    merging.undo_merge(by=coordinator, merge=done)
    with pytest.raises(merging.MergeRefused, match="already undone"):
        merging.undo_merge(by=coordinator, merge=done)


def test_every_foreign_key_to_a_person_is_moved_by_a_merge():
    """Guard for models added later by other apps: each link to Person is found."""
    found = {(link.label, link.field.name) for link in merging.person_links()}
    expected = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.fields
        if field.is_relation
        and field.related_model is Person
        and model not in (PersonMerge, PersonSearchKey)
    }
    assert found == expected
    assert ("people.person", "merged_into") in found


# The pages.


def confirm_url(keep, absorb) -> str:
    return reverse(
        "people:merge_confirm", kwargs={"public_id": keep.public_id, "other_id": absorb.public_id}
    )


def test_the_duplicates_of_a_file_are_offered_for_merging(login, keep, absorb, coordinator):
    page = login(coordinator).get(
        reverse("people:merge_choose", kwargs={"public_id": keep.public_id})
    )
    assert [c.person for c in page.context["candidates"]] == [absorb]
    assert confirm_url(keep, absorb) in page.content.decode()


def test_the_confirmation_shows_both_files_and_says_who_will_follow(
    login, keep, absorb, coordinator, other_team
):
    page = login(coordinator).get(confirm_url(keep, absorb))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Mohamed" in body and "Muhammad" in body and "90.03.14-997.60" in body
    assert 'name="first_name"' in body
    assert set(page.context["form"].fields) >= {"first_name", "last_name", "birth_date", "niss"}
    assert "phone" in page.context["form"].fields
    assert "nationality" not in page.context["form"].fields  # the same in both: nothing to pick
    assert page.context["new_teams"] == [other_team.name]
    reads = AuditEvent.objects.filter(action="person.viewed", actor=coordinator)
    assert set(reads.values_list("object_id", flat=True)) == {
        str(keep.public_id),
        str(absorb.public_id),
    }
    assert other_team.name in body and "will see the whole merged file" in body


def form_data(client, keep, absorb, **choices) -> dict:
    """What the confirmation page would post, with some choices changed."""
    form = client.get(confirm_url(keep, absorb)).context["form"]
    return {name: form[name].value() for name in form.fields} | choices


def test_confirming_merges_and_the_kept_file_offers_the_undo(login, keep, absorb, coordinator):
    client = login(coordinator)
    data = form_data(client, keep, absorb, first_name=ABSORB, niss=KEEP)
    assert data["niss"] == KEEP and data["birth_date"] == KEEP and data["nickname"] == ABSORB
    response = client.post(confirm_url(keep, absorb), data)
    assert response.status_code == 302
    keep.refresh_from_db()
    assert (keep.first_name, keep.nickname, keep.niss) == ("Muhammad", "Tonton", "")
    done = PersonMerge.objects.get()
    page = client.get(reverse("people:person_detail", kwargs={"public_id": keep.public_id}))
    assert page.context["merges"] == [done]
    undo = reverse("people:merge_undo", kwargs={"public_id": done.public_id})
    assert undo in page.content.decode()
    # The absorbed file is still reachable and says where it went.
    old = client.get(reverse("people:person_detail", kwargs={"public_id": absorb.public_id}))
    assert old.status_code == 200 and old.context["merged_into"] == keep
    assert client.get(undo).status_code == 200
    assert client.post(undo).status_code == 302
    absorb.refresh_from_db()
    assert absorb.merged_into is None


def test_a_file_changed_while_comparing_is_not_merged(login, keep, absorb, coordinator):
    client = login(coordinator)
    stale = form_data(client, keep, absorb, first_name=ABSORB)
    services.update_person(by=coordinator, person=absorb, version=1, data={"phone": "0499"})
    response = client.post(confirm_url(keep, absorb), stale)
    assert response.status_code == 409
    assert "changed while you were comparing" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_a_refused_undo_says_why(login, keep, absorb, friend, coordinator):
    first = merge(coordinator, keep, absorb)
    keep.refresh_from_db()
    merge(coordinator, friend, keep)
    client = login(coordinator)
    response = client.post(reverse("people:merge_undo", kwargs={"public_id": first.public_id}))
    assert response.status_code == 409
    assert "merged again since" in response.content.decode()


def test_the_three_actors_on_the_merge_pages(
    login, keep, absorb, elsewhere, coordinator, social_worker, stranger, make_user, team
):
    done = merge(coordinator, keep, absorb)
    urls = [
        reverse("people:merge_choose", kwargs={"public_id": keep.public_id}),
        confirm_url(keep, elsewhere),
        reverse("people:merge_undo", kwargs={"public_id": done.public_id}),
    ]
    manager = make_user(Role.HOUSE_MANAGER, organisation=team.organisation, teams=[team])
    for url in urls:
        assert login(manager).get(url).status_code == 403  # sees the people, may not merge
        assert login(stranger).get(url).status_code == 404
        assert login(stranger).post(url).status_code == 404
    assert login(coordinator).get(confirm_url(keep, elsewhere)).status_code == 200
    # The social worker may merge, but does not see the other team's person.
    assert login(social_worker).get(confirm_url(keep, elsewhere)).status_code == 404
    assert login(social_worker).post(confirm_url(elsewhere, keep)).status_code == 404
    assert login(coordinator).get(confirm_url(keep, keep)).status_code == 404
    assert PersonMerge.objects.get() == done and done.undone_at is None


def test_custom_values_follow_the_merge_unless_the_kept_file_has_one_and_undo_restores_them(
    keep, absorb, coordinator, make_user, organisation
):
    from lien.customfields import services as custom
    from lien.customfields.models import CustomValue

    admin = make_user(Role.ADMIN, organisation=organisation)
    district = custom.define_field(
        by=admin, entity="person", kind="text", data={"label": "Quartier"}
    )
    income = custom.define_field(by=admin, entity="person", kind="text", data={"label": "Revenu"})
    custom.save_values(by=coordinator, field_values={district: "Maritime"}, obj=keep)
    custom.save_values(by=coordinator, field_values={district: "Gare", income: "RIS"}, obj=absorb)

    def values_of(person):
        return {
            v.field.label: v.value_text
            for v in CustomValue.objects.filter(object_id=person.pk).select_related("field")
        }

    done = merge(coordinator, keep, absorb)
    assert values_of(keep) == {"Quartier": "Maritime", "Revenu": "RIS"}
    assert values_of(absorb) == {"Quartier": "Gare"}  # the kept file's value won; nothing lost
    merging.undo_merge(by=coordinator, merge=done)
    assert values_of(keep) == {"Quartier": "Maritime"}
    assert values_of(absorb) == {"Quartier": "Gare", "Revenu": "RIS"}


def test_the_last_contact_follows_the_records_a_merge_moves_and_its_undo(
    keep, absorb, coordinator, colleague_elsewhere
):
    when = timezone.now() - datetime.timedelta(days=3)
    casework.add_journal_entry(
        by=colleague_elsewhere,
        person=absorb,
        text="Vu au parc",
        kind="note",
        channel="street",
        visibility="team",
        section="general",
        occurred_at=when,
    )
    Person.objects.filter(pk=keep.pk).update(last_contact_at=None)
    done = merge(coordinator, keep, absorb)
    keep.refresh_from_db()
    absorb.refresh_from_db()
    assert (keep.last_contact_at, absorb.last_contact_at) == (when, None)
    merging.undo_merge(by=coordinator, merge=done)
    keep.refresh_from_db()
    absorb.refresh_from_db()
    assert (keep.last_contact_at, absorb.last_contact_at) == (None, when)
