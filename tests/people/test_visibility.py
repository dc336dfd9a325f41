"""Who sees which people: the branches of the visible-people query, and the records they open.

`persons_visible_to` and `visible_person_ids` (the subquery every person-linked record is
filtered by) share one query; these tests pin what each branch grants and what it must not.
"""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from lien.access import policy
from lien.accounts.models import Role
from lien.casework.models import FollowUp, Procedure
from lien.people.models import Person


def _seen(user) -> set[int]:
    return set(Person.objects.visible_to(user).values_list("pk", flat=True))


def _procedures_seen(user) -> set[int]:
    return set(Procedure.objects.visible_to(user).values_list("person_id", flat=True))


def _procedure(person):
    return Procedure.objects.create(
        organisation=person.organisation, person=person, domain="cpas", title="RIS"
    )


def test_a_team_sees_whom_it_follows_and_the_files_merged_into_them(
    create_person, social_worker, colleague_elsewhere, other_team
):
    followed = create_person(nickname="Kiki")
    absorbed = create_person(by=colleague_elsewhere, team_=other_team, nickname="Kiki bis")
    Person.objects.filter(pk=absorbed.pk).update(merged_into=followed, status="archived")
    unrelated = create_person(by=colleague_elsewhere, team_=other_team, nickname="Lou")
    for person in (followed, absorbed, unrelated):
        _procedure(person)

    assert _seen(social_worker) == {followed.pk, absorbed.pk}
    assert _procedures_seen(social_worker) == {followed.pk, absorbed.pk}
    assert _seen(colleague_elsewhere) == {absorbed.pk, unrelated.pk}


def test_a_follow_up_ended_beyond_the_visibility_period_no_longer_shows_the_person(
    create_person, social_worker, team, settings
):
    person = create_person(nickname="Kiki")
    _procedure(person)
    period = settings.LIEN_VISIBILITY_AFTER_FOLLOW_UP
    follow_up = FollowUp.objects.get(person=person, team=team)
    follow_up.started_on = timezone.localdate() - period - datetime.timedelta(days=30)
    follow_up.ended_on = timezone.localdate() - period + datetime.timedelta(days=1)
    follow_up.save()
    assert _seen(social_worker) == {person.pk}

    follow_up.ended_on = timezone.localdate() - period - datetime.timedelta(days=1)
    follow_up.save()
    assert _seen(social_worker) == set()
    assert _procedures_seen(social_worker) == set()


def test_a_follow_up_row_of_another_organisation_opens_nothing(
    create_person, make_user, organisation, team, other_organisation
):
    """Even a corrupt row (a team of ours following a person of another organisation) shows
    neither that person nor their records: each branch checks the organisation on its rows."""
    theirs = Person.objects.create(organisation=other_organisation, nickname="Ailleurs")
    _procedure(theirs)
    FollowUp.objects.create(organisation=other_organisation, person=theirs, team=team)
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    assert theirs.pk not in _seen(worker)
    assert theirs.pk not in _procedures_seen(worker)


def test_a_volunteer_sees_only_those_they_recorded(make_user, organisation, team, create_person):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    mine = Person.objects.create(organisation=organisation, nickname="Mine", created_by=volunteer)
    followed = create_person(nickname="Followed by the team")
    assert _seen(volunteer) == {mine.pk}
    assert followed.pk not in _seen(volunteer)


def test_someone_of_two_roles_sees_the_union_of_both(
    make_user, organisation, team, create_person, colleague_elsewhere, other_team
):
    both = make_user(
        Role.FIELD_VOLUNTEER, Role.HOUSE_MANAGER, organisation=organisation, teams=[team]
    )
    recorded = Person.objects.create(organisation=organisation, nickname="Rec", created_by=both)
    followed = create_person(nickname="Followed")
    elsewhere = create_person(by=colleague_elsewhere, team_=other_team, nickname="Elsewhere")
    assert _seen(both) == {recorded.pk, followed.pk}
    assert elsewhere.pk not in _seen(both)


def test_roles_that_see_nobody_get_an_empty_subquery(make_user, organisation, team, create_person):
    create_person(nickname="Kiki")
    analyst = make_user(Role.ANALYST, organisation=organisation, teams=[team])
    assert _seen(analyst) == set()
    assert Procedure.objects.filter(person_id__in=policy.visible_person_ids(analyst)).count() == 0


def test_records_of_one_person_are_only_those_of_a_person_the_user_sees(
    create_person, social_worker, colleague_elsewhere, other_team
):
    mine = create_person(nickname="Kiki")
    theirs = create_person(by=colleague_elsewhere, team_=other_team, nickname="Lou")
    for person in (mine, theirs):
        _procedure(person)

    # Not yet found visible in this request: the visibility subquery still decides.
    assert Procedure.objects.visible_to(social_worker, person=theirs).count() == 0
    assert Procedure.objects.visible_to(social_worker, person=mine).count() == 1

    # Only a person the policy finds visible is remembered; another answers 404.
    with pytest.raises(Http404):
        policy.person_shown_or_404(social_worker, Person.objects.all(), pk=theirs.pk)
    assert Procedure.objects.visible_to(social_worker, person=theirs).count() == 0
    shown = policy.person_shown_or_404(social_worker, Person.objects.all(), pk=mine.pk)
    query = str(Procedure.objects.visible_to(social_worker, person=shown).query)
    assert "teammembership" not in query  # the person's id alone, no subquery to plan
    assert Procedure.objects.visible_to(social_worker, person=shown).count() == 1
    # Remembered on this user object only (a request's), never for another user.
    assert Procedure.objects.visible_to(colleague_elsewhere, person=shown).count() == 0


def test_a_person_of_another_organisation_is_never_shown(
    create_person, social_worker, make_user, other_organisation
):
    outsider = make_user(Role.SOCIAL_WORKER, organisation=other_organisation)
    person = create_person(nickname="Kiki")
    with pytest.raises(Http404):
        policy.person_shown_or_404(outsider, Person.objects.all(), pk=person.pk)
    assert Procedure.objects.visible_to(outsider, person=person).count() == 0
