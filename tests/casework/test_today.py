import datetime

from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.casework import contacts, services
from lien.casework import today as today_module
from lien.people import services as people_services
from lien.people.models import Person


def due_cpas_requests(worker, team, count: int) -> None:
    """`count` people, each with a CPAS request of the worker's due today and whose decision
    is late: procedures T0, T1... of people P0, P1..."""
    today = timezone.localdate()
    for n in range(count):
        other = people_services.create_person(
            by=worker, team=team, data={"nickname": f"P{n}", "niss": ""}
        )
        services.create_procedure(
            by=worker,
            person=other,
            data={
                "domain": "cpas",
                "title": f"T{n}",
                "responsible": worker,
                "due_on": today,
                "cpas_received_on": today - datetime.timedelta(days=40),
            },
        )


def _journal(by, person, days_ago):
    """A team note about `person`, dated `days_ago` days back."""
    services.add_journal_entry(
        by=by,
        person=person,
        text="vu",
        kind="note",
        channel="street",
        visibility="team",
        section="general",
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def today_page(client, user):
    client.force_login(user)
    return client.get(reverse("web:today"))


def test_today_lists_my_due_and_overdue_procedures_but_not_later_or_others(
    client, social_worker, make_user, organisation, team, person
):
    today = timezone.localdate()
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    for title, due, responsible, status in [
        ("OVERDUE-MINE", today - datetime.timedelta(days=2), social_worker, "todo"),
        ("THIS-WEEK-MINE", today + datetime.timedelta(days=5), social_worker, "in_progress"),
        ("NEXT-MONTH-MINE", today + datetime.timedelta(days=30), social_worker, "todo"),
        ("DONE-MINE", today, social_worker, "done"),
        ("COLLEAGUE", today, colleague, "todo"),
    ]:
        services.create_procedure(
            by=social_worker,
            person=person,
            data={
                "domain": "identity",
                "title": title,
                "due_on": due,
                "responsible": responsible,
                "status": status,
            },
        )
    client.cookies["django_language"] = "en"
    page = today_page(client, social_worker)
    titles = [p.title for p in page.context["my_procedures"]]
    assert titles == ["OVERDUE-MINE", "THIS-WEEK-MINE"]
    assert page.content.decode().count('<span class="badge alert">overdue</span>') == 1


def test_today_shows_cpas_decisions_falling_due_until_notified(client, social_worker, person):
    today = timezone.localdate()
    late = services.create_procedure(
        by=social_worker,
        person=person,
        data={
            "domain": "cpas",
            "title": "RIS-LATE",
            "cpas_received_on": today - datetime.timedelta(days=35),
        },
    )
    services.create_procedure(
        by=social_worker,
        person=person,
        data={
            "domain": "cpas",
            "title": "RIS-RECENT",
            "cpas_received_on": today - datetime.timedelta(days=2),
        },
    )
    page = today_page(client, social_worker)
    assert [p.title for p in page.context["cpas_requests"]] == ["RIS-LATE"]
    services.update_procedure(
        by=social_worker,
        procedure=late,
        version=late.version,
        data={"cpas_notified_on": today - datetime.timedelta(days=1)},
    )
    page = today_page(client, social_worker)
    assert page.context["cpas_requests"] == []


def test_today_names_the_people_not_seen_for_a_while(client, social_worker, team, person, settings):
    settings.LIEN_NOT_SEEN_DAYS = 30
    seen = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Seen", "niss": ""}
    )
    long_ago = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "LongAgo", "niss": ""}
    )
    for who, days in [(seen, 3), (long_ago, 45)]:
        _journal(social_worker, who, days)
    never = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Never", "niss": ""}
    )
    Person.objects.filter(pk=never.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    contacts.refresh([never.pk])  # its follow-up's copy, as for a file opened 60 days ago
    page = today_page(client, social_worker)
    # Longest unseen first; a file opened today with no note yet is not "unseen".
    assert [p.nickname for p in page.context["not_seen"]] == ["Never", "LongAgo"]


def test_today_costs_the_same_queries_whatever_the_volume(
    client, social_worker, team, person, django_assert_max_num_queries
):
    client.force_login(social_worker)
    url = reverse("web:today")
    with django_assert_max_num_queries(30) as baseline:
        client.get(url)
    due_cpas_requests(social_worker, team, 25)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get(url)
    # Today shows the first rows of each list and links to the whole list.
    assert len(page.context["my_procedures"]) == today_module.ROWS
    assert len(page.context["cpas_requests"]) == today_module.ROWS
    html = page.content.decode()
    assert reverse("web:today_procedures") in html
    assert reverse("web:today_cpas") in html
    assert reverse("web:today_referrals") not in html  # nothing more to see there

    with django_assert_max_num_queries(len(baseline.captured_queries)):
        whole = client.get(reverse("web:today_procedures"))
    assert [p.title for p in whole.context["rows"]] == [f"T{n}" for n in range(25)]
    assert "T24" in whole.content.decode()


def test_a_whole_list_pages_through_every_row_once(client, social_worker, team, monkeypatch):
    monkeypatch.setattr(today_module, "PAGE_SIZE", 4)
    client.force_login(social_worker)
    due_cpas_requests(social_worker, team, 10)
    url = reverse("web:today_cpas")
    seen = []
    for number in (1, 2, 3):
        page = client.get(url, {"page": number})
        seen += [p.title for p in page.context["rows"]]
    assert seen == [f"T{n}" for n in range(10)]
    # Any page number answers a page: the last, or the first.
    for garbage in ("99", "-1", "abc", "1e309", "\x00"):
        page = client.get(url, {"page": garbage})
        assert page.status_code == 200
        assert page.context["rows"]


def test_the_not_seen_list_in_full_names_each_person_once(client, social_worker, team, settings):
    settings.LIEN_NOT_SEEN_DAYS = 30
    names = [f"N{n:02}" for n in range(12)]
    for days, name in enumerate(names):
        person = people_services.create_person(by=social_worker, team=team, data={"nickname": name})
        _journal(social_worker, person, 100 - days)
    page = today_page(client, social_worker)
    assert [p.nickname for p in page.context["not_seen"]] == names[: today_module.ROWS]
    assert reverse("web:today_not_seen") in page.content.decode()
    whole = client.get(reverse("web:today_not_seen"))
    assert [p.nickname for p in whole.context["rows"]] == names


def test_roles_without_casework_see_no_due_lists(client, make_user, organisation, team):
    for role in (Role.ADMIN, Role.ANALYST, Role.FIELD_VOLUNTEER, Role.HOUSE_MANAGER):
        user = make_user(role, organisation=organisation, teams=[team])
        page = today_page(client, user)
        assert page.status_code == 200
        assert page.context["casework_today"] is False


def test_today_lists_identity_documents_expiring_within_90_days(
    client, social_worker, person, make_user, organisation
):
    from lien.people.models import IdentityDocument

    today = timezone.localdate()
    for kind, days in [("passport", 30), ("passport", 200), ("passport", -5)]:
        IdentityDocument.objects.create(
            organisation=organisation,
            person=person,
            kind=kind,
            number="EM123456",
            issued_on=today - datetime.timedelta(days=3000),
            expires_on=today + datetime.timedelta(days=days),
        )
    page = today_page(client, social_worker)
    expiring = page.context["expiring_documents"]
    assert [d.expires_on for d in expiring] == [today + datetime.timedelta(days=30)]


def test_today_shows_my_appointments_of_today_and_the_rest_of_the_week(
    client, social_worker, make_user, organisation, team, person, settings
):
    from lien.casework import services_appointments

    now = timezone.localtime()
    today = now.date()
    at = lambda day, hour: timezone.make_aware(  # noqa: E731
        datetime.datetime.combine(day, datetime.time(hour))
    )
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    week_left = 6 - today.weekday()
    plans = [
        ("TODAY-MINE", at(today, 23), [social_worker]),
        ("TODAY-COLLEAGUE", at(today, 23), [colleague]),
        ("NEXT-WEEK", at(today + datetime.timedelta(days=week_left + 1), 10), [social_worker]),
    ]
    if week_left:
        plans.append(
            ("LATER-MINE", at(today + datetime.timedelta(days=week_left), 10), [social_worker])
        )
    for title, start, workers in plans:
        services_appointments.create_appointment(
            by=social_worker,
            person=person,
            workers=workers,
            data={
                "title": title,
                "starts_at": start,
                "ends_at": start + datetime.timedelta(minutes=30),
            },
        )
    page = today_page(client, social_worker)
    assert [a.title for a in page.context["appointments_today"]] == ["TODAY-MINE"]
    assert [a.title for a in page.context["appointments_week"]] == (
        ["LATER-MINE"] if week_left else []
    )


def test_meeting_someone_in_the_street_or_at_the_drop_in_counts_as_seeing_them(
    client, social_worker, team, settings
):
    import uuid

    from lien.outreach import services as outreach
    from lien.outreach import services_records

    settings.LIEN_NOT_SEEN_DAYS = 30
    client.cookies["django_language"] = "en"
    old = timezone.now() - datetime.timedelta(days=60)
    met, visited, archived = (
        people_services.create_person(by=social_worker, team=team, data={"nickname": n})
        for n in ("Met", "Visited", "Archived")
    )
    Person.objects.filter(pk__in=[met.pk, visited.pk, archived.pk]).update(created_at=old)
    contacts.refresh([met.pk, visited.pk, archived.pk])  # files opened 60 days ago
    page = today_page(client, social_worker)
    assert {p.nickname for p in page.context["not_seen"]} == {"Met", "Visited", "Archived"}

    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    outreach.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=two_days_ago,
        kind="phone",
        persons=[met],
    )
    outreach.record_passage(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=two_days_ago,
        person=visited,
        services=["coffee"],
    )
    mistaken, _created = outreach.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=two_days_ago,
        kind="phone",
        persons=[archived],
    )
    page = today_page(client, social_worker)
    assert [p.nickname for p in page.context["not_seen"]] == []
    # An encounter archived as a mistake no longer counts: back to the file's opening date.
    services_records.archive_record(by=social_worker, obj=mistaken)
    page = today_page(client, social_worker)
    assert [p.nickname for p in page.context["not_seen"]] == ["Archived"]
    assert "no contact since the file was opened" in page.content.decode()


def test_a_person_saved_from_an_older_copy_keeps_their_last_contact(social_worker, team):
    person = people_services.create_person(by=social_worker, team=team, data={"nickname": "Ko"})
    copy = Person.objects.get(pk=person.pk)
    _journal(social_worker, person, 0)
    copy.nickname = "Koko"
    copy.save()
    person.refresh_from_db()
    assert person.nickname == "Koko"
    assert person.last_contact_at is not None


def test_not_seen_names_once_a_person_two_of_my_teams_follow_and_leaves_out_who_left(
    client, make_user, organisation, team, settings
):
    from lien.accounts.models import Team
    from lien.casework import services_followups
    from lien.casework.models import FollowUp

    settings.LIEN_NOT_SEEN_DAYS = 30
    other_team = Team.objects.create(organisation=organisation, name="Équipe Ribaucourt")
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, other_team])
    both = people_services.create_person(by=worker, team=team, data={"nickname": "Both"})
    left = people_services.create_person(by=worker, team=team, data={"nickname": "Left"})
    _journal(worker, both, 50)
    _journal(worker, left, 40)
    # The second team's follow-up starts from the person's last contact, 50 days ago.
    second = services_followups.open_follow_up(
        by=worker, person=both, team=other_team, on=timezone.localdate()
    )
    both.refresh_from_db()
    second.refresh_from_db()
    assert second.last_seen_at == both.last_contact_at
    assert FollowUp.objects.filter(person=both).values("last_seen_at").distinct().count() == 1

    page = today_page(client, worker)
    assert [p.nickname for p in page.context["not_seen"]] == ["Both", "Left"]

    people_services.mark_left(
        by=worker,
        person=left,
        version=left.version,
        left_on=timezone.localdate(),
        reason="relogé",
    )
    page = today_page(client, worker)
    assert [p.nickname for p in page.context["not_seen"]] == ["Both"]
    left.refresh_from_db()
    left = people_services.reactivate_person(by=worker, person=left, version=left.version)
    page = today_page(client, worker)
    assert [p.nickname for p in page.context["not_seen"]] == ["Both", "Left"]
    people_services.archive_person(by=worker, person=left, version=left.version)
    page = today_page(client, worker)
    assert [p.nickname for p in page.context["not_seen"]] == ["Both"]

    # Seen again today: the copy on both teams' follow-ups moves with the person, and saving
    # a follow-up read before does not put the older date back.
    _journal(worker, both, 0)
    second.reason = "accompagnement logement"
    second.save()
    both.refresh_from_db()
    assert set(FollowUp.objects.filter(person=both).values_list("last_seen_at", flat=True)) == {
        both.last_contact_at
    }
    assert today_page(client, worker).context["not_seen"] == []


def test_not_seen_follows_a_merge_and_its_undo(client, social_worker, team, settings):
    from lien.casework.models import FollowUp
    from lien.people.merging import merge_persons, undo_merge

    settings.LIEN_NOT_SEEN_DAYS = 30
    kept = people_services.create_person(by=social_worker, team=team, data={"nickname": "Kept"})
    absorbed = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Absorbed"}
    )
    _journal(social_worker, kept, 60)
    _journal(social_worker, absorbed, 2)
    assert [p.nickname for p in today_page(client, social_worker).context["not_seen"]] == ["Kept"]

    merge = merge_persons(by=social_worker, keep=kept, absorb=absorbed, choices={})
    # The absorbed file's recent note now belongs to the kept person: seen two days ago.
    kept.refresh_from_db()
    assert FollowUp.objects.get(person=kept, ended_on__isnull=True).last_seen_at == (
        kept.last_contact_at
    )
    assert today_page(client, social_worker).context["not_seen"] == []

    undo_merge(by=social_worker, merge=merge)
    assert [p.nickname for p in today_page(client, social_worker).context["not_seen"]] == ["Kept"]


def test_the_whole_lists_hold_nothing_of_another_organisation(
    client, social_worker, person, make_user
):
    from tests.factories import OrganisationFactory, TeamFactory

    services.create_procedure(
        by=social_worker,
        person=person,
        data={
            "domain": "cpas",
            "title": "Ours",
            "responsible": social_worker,
            "due_on": timezone.localdate(),
            "cpas_received_on": timezone.localdate() - datetime.timedelta(days=40),
        },
    )
    client.force_login(social_worker)
    assert "Ours" in client.get(reverse("web:today_cpas")).content.decode()
    elsewhere = OrganisationFactory(name="Autre service")
    stranger = make_user(
        Role.COORDINATOR, organisation=elsewhere, teams=[TeamFactory(organisation=elsewhere)]
    )
    client.force_login(stranger)
    for section in today_module.SECTIONS.values():
        page = client.get(reverse(section.url_name))
        assert page.status_code == 200
        assert page.context["rows"] == []
        assert "Ours" not in page.content.decode()
