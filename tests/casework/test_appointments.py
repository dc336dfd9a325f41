import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services_appointments as services
from lien.casework.models import Appointment
from lien.core.versioning import EditConflict
from lien.partners.models import Partner
from lien.people.models import Person
from tests.casework.agenda_helpers import HOUR, UTC, make_appointment
from tests.factories import ALL_ROLES, TeamFactory

SOON = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=UTC)  # 10:00 in Brussels (summer time)


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])


@pytest.fixture
def volunteer(make_user, organisation, team):
    return make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])


@pytest.fixture
def stranger(make_user, other_organisation):
    team = TeamFactory(organisation=other_organisation)
    return make_user(*ALL_ROLES, organisation=other_organisation, teams=[team])


@pytest.fixture
def appointment(social_worker, person):
    return make_appointment(
        by=social_worker,
        person=person,
        starts_at=SOON,
        title="CPAS Molenbeek",
        place="Rue Ransfort 27",
        note="Apporter la carte d'identité",
    )


def form_data(**overrides):
    return {
        "title": "Mutuelle",
        "starts_at": "2026-06-16T14:00",
        "ends_at": "2026-06-16T15:00",
        "place": "",
        "note": "",
        **overrides,
    }


# Services.


def test_an_appointment_is_written_with_its_workers_and_audited(social_worker, person):
    appointment = make_appointment(by=social_worker, person=person, starts_at=SOON, note="Sec")
    assert appointment.organisation_id == social_worker.organisation_id
    assert list(appointment.workers.all()) == [social_worker]
    event = AuditEvent.objects.get(action="appointment.created")
    assert event.object_id == str(appointment.public_id)
    assert "Sec" not in str(event.fields)


def test_the_service_refuses_an_end_before_the_start(social_worker, person):
    with pytest.raises(ValidationError):
        make_appointment(by=social_worker, person=person, starts_at=SOON, hours=-1)
    assert not Appointment.objects.exists()


def test_the_database_refuses_an_end_before_the_start_too(social_worker, person):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Appointment.objects.create(
            organisation=social_worker.organisation, title="x", starts_at=SOON, ends_at=SOON
        )


def test_the_note_is_encrypted_at_rest(appointment):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM casework_appointment")
        stored = cursor.fetchone()[0]
    assert "carte" not in stored
    assert Appointment.objects.get().note == "Apporter la carte d'identité"


def test_visible_to_covers_followed_people_attended_and_own_appointments(
    social_worker, make_user, organisation, person
):
    other_team = TeamFactory(organisation=organisation)
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    followed = make_appointment(by=colleague, person=person, starts_at=SOON, workers=[])
    attended = make_appointment(by=colleague, starts_at=SOON, workers=[social_worker])
    elsewhere = make_appointment(by=colleague, starts_at=SOON, workers=[colleague])
    mine = make_appointment(by=social_worker, starts_at=SOON, workers=[])
    visible = set(Appointment.objects.visible_to(social_worker))
    assert visible == {followed, attended, mine}
    assert elsewhere not in visible


def test_another_organisation_never_sees_an_appointment_even_when_listed_as_worker(
    social_worker, person, stranger
):
    appointment = make_appointment(by=social_worker, person=person, starts_at=SOON)
    appointment.workers.add(stranger)  # impossible through the forms; the policy holds anyway
    assert not Appointment.objects.visible_to(stranger).exists()


def test_a_status_change_bumps_the_version_and_is_audited(social_worker, appointment):
    services.set_appointment_status(
        by=social_worker, appointment=appointment, status="cancelled", version=1
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.version == 2
    assert AuditEvent.objects.filter(action="appointment.changed", fields=["status"]).exists()


# Views: creating.


def test_an_appointment_is_created_from_the_person_file_with_the_person_set(
    client, social_worker, person
):
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(workers=[str(social_worker.public_id)]))
    assert response.status_code == 302
    assert response.url == reverse("people:person_detail", args=[person.public_id])
    appointment = Appointment.objects.get()
    assert appointment.person == person
    assert list(appointment.workers.all()) == [social_worker]
    # Typed in Brussels time (summer: UTC+2), stored in UTC.
    assert appointment.starts_at == datetime.datetime(2026, 6, 16, 12, 0, tzinfo=UTC)
    page = client.get(response.url).content.decode()
    assert "Mutuelle" in page


def test_a_team_or_partner_appointment_is_created_from_the_agenda(
    client, social_worker, organisation
):
    partner = Partner.objects.create(organisation=organisation, name="Maison médicale")
    client.force_login(social_worker)
    response = client.post(
        reverse("casework:appointment_create"),
        form_data(partner=str(partner.public_id), workers=[str(social_worker.public_id)]),
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.person is None and appointment.partner == partner
    assert response.url == reverse("casework:agenda_day") + "?day=2026-06-16"


def test_the_agenda_link_prefills_the_day(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("casework:appointment_create"), {"day": "2026-06-16"})
    assert 'value="2026-06-16T09:00"' in response.content.decode()


def test_an_empty_end_means_one_hour(client, social_worker, person):
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    client.post(url, form_data(ends_at=""))
    appointment = Appointment.objects.get()
    assert appointment.ends_at - appointment.starts_at == HOUR


def test_the_end_of_a_night_that_changes_the_clocks_is_one_real_hour_later(
    client, social_worker, person
):
    # 29 March 2026: clocks go from 02:00 to 03:00 in Brussels.
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    client.post(url, form_data(starts_at="2026-03-29T01:30", ends_at=""))
    appointment = Appointment.objects.get()
    assert appointment.ends_at - appointment.starts_at == HOUR
    assert timezone.localtime(appointment.ends_at).hour == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2026-06-16T13:00"}, "ends_at"),
        ({"ends_at": "2026-06-16T14:00"}, "ends_at"),
        ({"starts_at": "20000-01-01T10:00"}, "starts_at"),
        ({"starts_at": "2205-01-01T10:00", "ends_at": "2205-01-01T11:00"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:30", "ends_at": ""}, "starts_at"),
        ({"starts_at": "demain à 10h"}, "starts_at"),
        ({"starts_at": "2026-02-30T10:00"}, "starts_at"),
        ({"starts_at": "2026-03-29T02:30"}, "starts_at"),  # does not exist in Brussels
        ({"note": "x" * 100_000}, "note"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, social_worker, person, overrides, field
):
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    response = client.post(url, form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_a_100000_character_note_gets_a_message(client, social_worker, person):
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    response = client.post(url, form_data(note="x" * 100_000))
    assert "2000" in str(response.context["form"].errors["note"]).replace("\u202f", "").replace(
        " ", ""
    )


def test_markup_is_shown_as_text(client, social_worker, person):
    client.force_login(social_worker)
    make_appointment(
        by=social_worker,
        person=person,
        starts_at=timezone.now() + HOUR,
        title="<script>alert(1)</script>",
        place="<b>gare</b>",
    )
    for url in (
        reverse("people:person_detail", args=[person.public_id]),
        reverse("casework:agenda"),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_workers_offered_are_my_team_and_never_another_organisation(
    client, social_worker, make_user, organisation, team, stranger, person
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    outsider = make_user(Role.SOCIAL_WORKER, organisation=organisation)
    analyst = make_user(Role.ANALYST, organisation=organisation, teams=[team])
    client.force_login(social_worker)
    url = reverse("casework:appointment_create_for_person", args=[person.public_id])
    offered = set(client.get(url).context["form"].fields["workers"].queryset)
    assert offered == {social_worker, colleague}
    assert not offered & {outsider, analyst, stranger}
    response = client.post(url, form_data(workers=[str(stranger.public_id)]))
    assert "workers" in response.context["form"].errors
    assert not Appointment.objects.exists()


# Views: editing, status.


def test_an_edit_saves_and_goes_back_to_the_file(client, social_worker, appointment, person):
    client.force_login(social_worker)
    url = reverse("casework:appointment_edit", args=[appointment.public_id])
    form = client.get(url).context["form"]
    data = {**form.initial, "title": "CPAS (report)", "workers": [str(social_worker.public_id)]}
    data["starts_at"] = "2026-06-15T10:00"
    data["ends_at"] = "2026-06-15T11:30"
    data.pop("partner", None)
    response = client.post(url, data)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.title == "CPAS (report)" and appointment.version == 2
    assert appointment.ends_at == datetime.datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
    event = AuditEvent.objects.get(action="appointment.changed")
    assert set(event.fields) == {"title", "ends_at"}


def test_two_people_editing_get_a_conflict_page_with_both_versions(
    client, social_worker, appointment
):
    client.force_login(social_worker)
    url = reverse("casework:appointment_edit", args=[appointment.public_id])
    stale = {
        "version": 1,
        "title": "Mine",
        "starts_at": "2026-06-15T10:00",
        "ends_at": "2026-06-15T11:00",
        "status": "planned",
        "workers": [str(social_worker.public_id)],
    }
    services.update_appointment(
        by=social_worker,
        appointment=Appointment.objects.get(pk=appointment.pk),
        version=1,
        data={"title": "Theirs"},
        workers=[social_worker],
    )
    response = client.post(url, stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="Mine"' in body and "Theirs" in body
    appointment.refresh_from_db()
    assert appointment.title == "Theirs"
    # The second save, from the conflict page, goes through.
    assert client.post(url, {**stale, "version": 2}).status_code == 302


def test_a_status_change_posted_from_the_page(client, social_worker, appointment, person):
    client.force_login(social_worker)
    url = reverse("casework:appointment_status", args=[appointment.public_id])
    assert client.get(url).status_code == 405
    response = client.post(url, {"status": "done", "version": 1})
    assert response.status_code == 302
    assert response.url == reverse("people:person_detail", args=[person.public_id])
    appointment.refresh_from_db()
    assert appointment.status == "done"
    response = client.post(url, {"status": "missed", "version": 2, "next": "https://evil.example/"})
    assert response.url == reverse("people:person_detail", args=[person.public_id])
    response = client.post(url, {"status": "exploded", "version": 3})
    assert response.url == reverse("casework:appointment_edit", args=[appointment.public_id])
    appointment.refresh_from_db()
    assert appointment.status == "missed"


# The three actors.


def test_a_house_manager_sees_a_residents_appointment_but_cannot_change_it(
    client, house_manager, appointment, person
):
    client.force_login(house_manager)
    page = client.get(reverse("people:person_detail", args=[person.public_id]))
    body = page.content.decode()
    assert "CPAS Molenbeek" in body
    assert "carte d" not in body  # the note
    assert reverse("casework:appointment_create_for_person", args=[person.public_id]) not in body
    edit = reverse("casework:appointment_edit", args=[appointment.public_id])
    assert client.get(edit).status_code == 403
    status = reverse("casework:appointment_status", args=[appointment.public_id])
    assert client.post(status, {"status": "cancelled"}).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "planned"


def test_roles_without_appointment_rights_are_refused(client, volunteer, admin, appointment):
    for user in (volunteer, admin):
        client.force_login(user)
        assert client.get(reverse("casework:agenda")).status_code == 403
        url = reverse("casework:appointment_edit", args=[appointment.public_id])
        assert client.get(url).status_code == 403


def test_another_organisation_gets_404_on_every_appointment_page(
    client, stranger, appointment, person
):
    client.force_login(stranger)
    for url, method in [
        (reverse("casework:appointment_edit", args=[appointment.public_id]), "get"),
        (reverse("casework:appointment_edit", args=[appointment.public_id]), "post"),
        (reverse("casework:appointment_status", args=[appointment.public_id]), "post"),
        (reverse("casework:appointment_create_for_person", args=[person.public_id]), "get"),
        (reverse("casework:appointment_create_for_person", args=[person.public_id]), "post"),
    ]:
        response = getattr(client, method)(url, form_data(status="cancelled"))
        assert response.status_code == 404, url
    appointment.refresh_from_db()
    assert appointment.status == "planned" and appointment.version == 1
    assert Appointment.objects.count() == 1


def test_a_social_worker_of_a_team_that_does_not_follow_the_person_gets_404(
    client, make_user, organisation, appointment
):
    elsewhere = TeamFactory(organisation=organisation)
    other = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[elsewhere])
    client.force_login(other)
    url = reverse("casework:appointment_edit", args=[appointment.public_id])
    assert client.get(url).status_code == 404


# The person file.


def test_the_file_lists_upcoming_appointments_first_then_recent_ones(client, social_worker, person):
    now = timezone.now()
    make_appointment(by=social_worker, person=person, starts_at=now - 48 * HOUR, title="Passé")
    make_appointment(by=social_worker, person=person, starts_at=now + 72 * HOUR, title="Après")
    make_appointment(by=social_worker, person=person, starts_at=now + 24 * HOUR, title="Demain")
    client.force_login(social_worker)
    response = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert [a.title for a in response.context["upcoming_appointments"]] == ["Demain", "Après"]
    assert [a.title for a in response.context["past_appointments"]] == ["Passé"]
    body = response.content.decode()
    assert body.index("Demain") < body.index("Après") < body.index("Passé")


def test_the_file_costs_the_same_queries_for_one_or_thirty_appointments(
    client, social_worker, person, django_assert_max_num_queries
):
    client.force_login(social_worker)
    url = reverse("people:person_detail", args=[person.public_id])
    make_appointment(by=social_worker, person=person, starts_at=timezone.now() + HOUR)
    client.get(url)

    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = count()
    for day in range(30):
        make_appointment(
            by=social_worker, person=person, starts_at=timezone.now() + (day - 15) * 24 * HOUR
        )
    assert count() == few
    with django_assert_max_num_queries(few):
        client.get(url)


def test_the_person_section_is_not_shown_to_volunteers(client, volunteer, organisation):
    # A volunteer sees the people they recorded themselves.
    person = Person.objects.create(organisation=organisation, nickname="Zaza", created_by=volunteer)
    client.force_login(volunteer)
    response = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert response.status_code == 200
    assert response.context["appointments_section"] is False


def test_an_appointment_with_a_partner_archived_since_can_still_be_edited(
    client, social_worker, organisation, person
):
    partner = Partner.objects.create(organisation=organisation, name="Ancien partenaire")
    appointment = make_appointment(by=social_worker, person=person, starts_at=SOON, partner=partner)
    Partner.objects.filter(pk=partner.pk).update(archived_at=timezone.now())
    client.force_login(social_worker)
    url = reverse("casework:appointment_edit", args=[appointment.public_id])
    response = client.post(
        url,
        form_data(
            version=1,
            status="planned",
            partner=str(partner.public_id),
            workers=[str(social_worker.public_id)],
        ),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.partner == partner and appointment.title == "Mutuelle"
    offered = client.get(reverse("casework:appointment_create")).context["form"]
    assert partner not in offered.fields["partner"].queryset


# An appointment of a person the user does not see (attendee or creator only).


def test_an_attendee_who_does_not_see_the_person_gets_404_and_changes_nothing(
    client, make_user, organisation, social_worker, person
):
    outsider = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    appointment = make_appointment(
        by=social_worker,
        person=person,
        starts_at=SOON,
        title="Rendez-vous",
        note="SECRET-NOTE-hepatitis",
        workers=[social_worker, outsider],
    )
    client.force_login(outsider)
    edit = reverse("casework:appointment_edit", args=[appointment.public_id])
    response = client.get(edit)
    assert response.status_code == 404
    assert "Momo" not in response.content.decode()
    assert "SECRET-NOTE" not in response.content.decode()
    assert client.post(edit, form_data(version=1, status="planned", note="")).status_code == 404
    status = reverse("casework:appointment_status", args=[appointment.public_id])
    assert client.post(status, {"status": "cancelled", "version": 1}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "planned" and appointment.version == 1
    assert appointment.note == "SECRET-NOTE-hepatitis"
    # The agenda shows the appointment without naming the person nor linking to that page.
    agenda = client.get(reverse("casework:agenda"), {"day": "2026-06-15"}).content.decode()
    assert "Rendez-vous" in agenda and "Momo" not in agenda
    assert edit not in agenda


def test_the_creator_loses_the_appointment_page_after_the_visibility_period(
    client, settings, social_worker, person, team
):
    from lien.casework.models import FollowUp

    appointment = make_appointment(by=social_worker, person=person, starts_at=SOON, note="N")
    long_ago = timezone.localdate() - settings.LIEN_VISIBILITY_AFTER_FOLLOW_UP
    FollowUp.objects.filter(person=person).update(
        started_on=long_ago - datetime.timedelta(days=30),
        ended_on=long_ago - datetime.timedelta(days=1),
    )
    assert not Person.objects.visible_to(social_worker).filter(pk=person.pk).exists()
    client.force_login(social_worker)
    edit = reverse("casework:appointment_edit", args=[appointment.public_id])
    assert client.get(edit).status_code == 404
    status = reverse("casework:appointment_status", args=[appointment.public_id])
    assert client.post(status, {"status": "done", "version": 1}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "planned"


def test_a_team_appointment_without_a_person_stays_open_to_its_attendees(
    client, make_user, organisation, social_worker
):
    outsider = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    appointment = make_appointment(by=social_worker, starts_at=SOON, workers=[outsider])
    client.force_login(outsider)
    edit = reverse("casework:appointment_edit", args=[appointment.public_id])
    assert client.get(edit).status_code == 200
    agenda = client.get(reverse("casework:agenda"), {"day": "2026-06-15"}).content.decode()
    assert edit in agenda


def test_opening_a_persons_appointment_is_audited_as_a_read_of_the_file(
    client, social_worker, appointment, person
):
    client.force_login(social_worker)
    url = reverse("casework:appointment_edit", args=[appointment.public_id])
    assert client.get(url).status_code == 200
    reads = AuditEvent.objects.filter(action="person.viewed", actor=social_worker)
    assert reads.count() == 1
    assert reads.get().object_id == str(person.public_id)
    team_appointment = make_appointment(by=social_worker, starts_at=SOON)
    client.get(reverse("casework:appointment_edit", args=[team_appointment.public_id]))
    assert reads.count() == 1  # no person, no read of a file


def test_two_people_marking_the_same_appointment_do_not_overwrite_each_other(
    client, make_user, organisation, team, social_worker, appointment, person
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    client.force_login(social_worker)
    other.force_login(colleague)
    other.cookies["django_language"] = "en"
    page = reverse("casework:appointment_edit", args=[appointment.public_id])
    status = reverse("casework:appointment_status", args=[appointment.public_id])
    # Both open the page: each status button posts the version it was shown.
    for c in (client, other):
        body = c.get(page).content.decode()
        assert body.count('name="version" value="1"') >= 4  # three buttons and the form
    first = client.post(status, {"status": "done", "version": 1})
    assert first.status_code == 302
    second = other.post(status, {"status": "cancelled", "version": 1}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == "done" and appointment.version == 2
    assert second.redirect_chain[-1][0] == page
    shown = [str(m) for m in second.context["messages"]]
    assert shown == ["Someone changed this appointment meanwhile; nothing was changed."]
    changes = AuditEvent.objects.filter(action="appointment.changed", fields=["status"])
    assert changes.count() == 1
    # Without a version (a page from before this change), nothing is changed either.
    third = other.post(status, {"status": "cancelled"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == "done"
    assert [str(m) for m in third.context["messages"]] == [
        "Nothing was changed: reload the page and try again."
    ]
    # With the version now shown, the change goes through.
    assert other.post(status, {"status": "cancelled", "version": 2}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.version == 3


def test_the_status_service_refuses_a_stale_version(social_worker, appointment):
    services.set_appointment_status(
        by=social_worker, appointment=appointment, status="done", version=1
    )
    stale = Appointment.objects.get(pk=appointment.pk)
    with pytest.raises(EditConflict):
        services.set_appointment_status(
            by=social_worker, appointment=stale, status="missed", version=1
        )
    stale.refresh_from_db()
    assert stale.status == "done" and stale.version == 2
