"""The access policy: the one place that answers "may this user see / do this?".

Deny by default. A right comes from a role the user holds in their organisation, never from
being an organisation admin as such; rights of several roles add up. Records of another
organisation are never found (404), so their existence does not leak.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from lien.accounts.models import Role


class Perm:
    """Rights, named `area.verb`. Later issues add theirs here and to ROLE_PERMISSIONS."""

    MANAGE_USERS = "accounts.manage_users"
    MANAGE_TEAMS = "accounts.manage_teams"
    VIEW_AUDIT = "audit.view"
    VIEW_REPORTS = "reports.view"
    VIEW_PERSONS = "people.view"
    VIEW_IDENTITY = "people.view_identity"
    CREATE_PERSONS = "people.create"
    EDIT_PERSONS = "people.edit"
    VIEW_SENSITIVE = "people.view_sensitive"
    MERGE_PERSONS = "people.merge"  # make two files of the same person one (undoable)
    READ_TEAM_NOTES = "casework.read_team_notes"
    WRITE_NOTES = "casework.write_notes"
    MANAGE_PROCEDURES = "casework.manage_procedures"
    READ_SHARED_NOTES = "casework.read_shared_notes"
    WRITE_LIAISON_NOTES = "casework.write_liaison_notes"
    ADD_ENCOUNTERS = "outreach.add_encounters"
    VIEW_OUTREACH = "outreach.view"  # the team's presences, encounters and anonymous counts
    # The street-work vocabularies: neighbourhoods, places and themes (organisation admins and
    # coordinators).
    MANAGE_TERRITORIES = "outreach.manage_territories"
    # Change or archive presences, encounters and drop-in visits afterwards (see
    # outreach_record_editable): one's own at any time, or any of one's teams'.
    EDIT_OWN_OUTREACH = "outreach.edit_own"
    EDIT_TEAM_OUTREACH = "outreach.edit_team"
    # Mediations of conflicts in public space: read and record (they name people and describe
    # conflicts, so not field volunteers).
    RECORD_MEDIATIONS = "outreach.mediations"
    # The kinds of daily counters (showers, coffees…) an organisation's teams fill in.
    MANAGE_COUNTERS = "outreach.manage_counters"
    MANAGE_TEAM_SETTINGS = "accounts.manage_team_settings"
    MANAGE_REFERRALS = "casework.manage_referrals"  # referrals and the consents they rely on
    OVERRIDE_CONSENT = (
        "casework.override_consent"  # refer without a consent in force, with a reason
    )
    VIEW_CIRCLE = "casework.view_circle"
    MANAGE_CIRCLE = "casework.manage_circle"
    MANAGE_PATHWAYS = "casework.manage_pathways"  # templates of tasks set off by an event
    VIEW_PARTNERS = "partners.view"
    MANAGE_PARTNERS = "partners.manage"
    VIEW_APPOINTMENTS = "casework.view_appointments"
    MANAGE_APPOINTMENTS = "casework.manage_appointments"
    MANAGE_DOCUMENTS = "casework.manage_documents"
    MANAGE_CUSTOM_FIELDS = "customfields.manage"  # define the organisation's own fields
    EXPORT_PERSONS = "people.export"  # download the list of people as a spreadsheet
    # Team work: meetings (minutes, decisions, action items) and daily reports of one's teams.
    VIEW_TEAMWORK = "teamwork.view"
    MANAGE_MEETINGS = "teamwork.manage_meetings"  # record meetings, action items, daily reports
    # The liaison board of one's teams: read and write (house managers included).
    USE_LIAISON = "teamwork.liaison"
    # Collective projects of one's teams: activities and counts, never names (see
    # participations_visible_to); managing them also shows the named participants one sees.
    VIEW_PROJECTS = "projects.view"
    MANAGE_PROJECTS = "projects.manage"


# What a social worker does with the people their teams follow; a coordinator does it too.
_CASEWORK = frozenset(
    {
        Perm.VIEW_PERSONS,
        Perm.VIEW_IDENTITY,
        Perm.CREATE_PERSONS,
        Perm.EDIT_PERSONS,
        Perm.VIEW_SENSITIVE,
        Perm.MERGE_PERSONS,
        Perm.READ_TEAM_NOTES,
        Perm.READ_SHARED_NOTES,
        Perm.WRITE_NOTES,
        Perm.MANAGE_PROCEDURES,
        Perm.ADD_ENCOUNTERS,
        Perm.VIEW_OUTREACH,
        Perm.EDIT_OWN_OUTREACH,
        Perm.RECORD_MEDIATIONS,
        Perm.MANAGE_REFERRALS,
        Perm.VIEW_CIRCLE,
        Perm.MANAGE_CIRCLE,
        Perm.VIEW_PARTNERS,
        Perm.MANAGE_PARTNERS,
        Perm.VIEW_APPOINTMENTS,
        Perm.MANAGE_APPOINTMENTS,
        Perm.MANAGE_DOCUMENTS,
        Perm.VIEW_TEAMWORK,
        Perm.MANAGE_MEETINGS,
        Perm.USE_LIAISON,
        Perm.VIEW_PROJECTS,
        Perm.MANAGE_PROJECTS,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Perm.MANAGE_USERS,
            Perm.MANAGE_TEAMS,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_PATHWAYS,
            Perm.MANAGE_CUSTOM_FIELDS,
            Perm.MANAGE_TERRITORIES,
            Perm.MANAGE_COUNTERS,
        }
    ),
    Role.COORDINATOR: _CASEWORK
    | {
        Perm.MANAGE_TEAM_SETTINGS,
        Perm.VIEW_REPORTS,
        Perm.OVERRIDE_CONSENT,
        Perm.MANAGE_PATHWAYS,
        Perm.EXPORT_PERSONS,
        Perm.MANAGE_TERRITORIES,
        Perm.EDIT_TEAM_OUTREACH,
        Perm.MANAGE_COUNTERS,
    },
    Role.SOCIAL_WORKER: _CASEWORK,
    Role.HOUSE_MANAGER: frozenset(
        {
            Perm.VIEW_PERSONS,
            Perm.VIEW_IDENTITY,
            Perm.READ_SHARED_NOTES,
            Perm.WRITE_LIAISON_NOTES,
            Perm.VIEW_PARTNERS,
            # Who else works with a resident (names, roles, contact), not what they wrote.
            Perm.VIEW_CIRCLE,
            # Residents' appointments (when, where, what), to help them keep them; not their
            # notes, and no documents.
            Perm.VIEW_APPOINTMENTS,
            # The liaison board of their house's team; not the meetings' minutes nor the
            # daily reports, which name the people followed.
            Perm.USE_LIAISON,
        }
    ),
    Role.FIELD_VOLUNTEER: frozenset(
        {
            Perm.VIEW_PERSONS,
            Perm.ADD_ENCOUNTERS,
            Perm.VIEW_OUTREACH,
            Perm.VIEW_PARTNERS,
            # Their teams' projects and activities, and how many came; not who.
            Perm.VIEW_PROJECTS,
        }
    ),
    Role.ANALYST: frozenset({Perm.VIEW_REPORTS}),
}

# Roles whose holders reach personal data (of the people served, or of staff accounts and the
# audit trail): they must use a second factor when LIEN_REQUIRE_MFA is on.
ROLES_REQUIRING_MFA = frozenset(
    {
        Role.ADMIN,
        Role.COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.HOUSE_MANAGER,
        Role.FIELD_VOLUNTEER,
    }
)


# Views of libraries, named by URL name. Lien's own views say their rule with `require`.
PUBLIC_VIEWS = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",  # answers "sign-up is closed"
        "account_reset_password",
        "account_confirm_password_reset_code",
        "account_complete_password_reset",
        "account_password_reset_completed",
        "mfa_authenticate",  # the second step of a login
        "set_language",
    }
)
SELF_SERVICE_VIEWS = frozenset(
    {
        "account_reauthenticate",
        "account_change_password",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "usersessions_list",
    }
)


def public[F: Callable](view: F) -> F:
    """Mark one of Lien's views as reachable without logging in (health, invitation)."""
    view.lien_access = "public"
    return view


def self_service_allowed(user, view_name: str) -> bool:
    """A member manages their own account, except removing the second factor their role
    requires."""
    from django.conf import settings

    if view_name not in SELF_SERVICE_VIEWS or not _is_member(user):
        return False
    if view_name == "mfa_deactivate_totp" and settings.LIEN_REQUIRE_MFA:
        return not requires_mfa(user)
    return True


def _is_member(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "organisation_id", None) is not None
    )


def permissions_of(user) -> frozenset[str]:
    if not _is_member(user):
        return frozenset()
    granted: set[str] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_perm(user, perm: str) -> bool:
    return perm in permissions_of(user)


def requires_mfa(user) -> bool:
    return _is_member(user) and bool(user.roles & ROLES_REQUIRING_MFA)


def is_member(user) -> bool:
    """Any authenticated, active user of an organisation (the Today page, their own account)."""
    return _is_member(user)


def require[F: Callable](perm: str | None) -> Callable[[F], F]:
    """Guard a view: `perm=None` asks only for an active member of an organisation."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _is_member(request.user):
                raise PermissionDenied
            if perm is not None and not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.lien_access = perm or "member"
        return wrapped  # type: ignore[return-value]

    return decorator


def get_or_404(queryset: models.QuerySet, **lookup):
    """Fetch one object from a queryset already scoped to the user, or answer 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# Querysets: every list starts here. Other organisations' rows are never in them.


def _none_unless_member(user, queryset: models.QuerySet) -> models.QuerySet | None:
    if not _is_member(user):
        return queryset.none()
    return None


def teams_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    denied = _none_unless_member(user, queryset)
    if denied is not None:
        return denied
    return queryset.filter(organisation_id=user.organisation_id)


def users_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    if not has_perm(user, Perm.MANAGE_USERS):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def audit_events_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    if not has_perm(user, Perm.VIEW_AUDIT):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def record_changes_visible_to(user, queryset: models.QuerySet, record) -> models.QuerySet:
    """The audit events of one record, for a user who sees that record (the caller found it
    through the record's own `..._visible_to`); which previous values they read is decided
    per field by the rules registered in lien.audit.history."""
    denied = _none_unless_member(user, queryset)
    if denied is not None or record.organisation_id != user.organisation_id:
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def my_teams(user, queryset: models.QuerySet) -> models.QuerySet:
    """The teams the user belongs to."""
    denied = _none_unless_member(user, queryset)
    if denied is not None:
        return denied
    return queryset.filter(
        organisation_id=user.organisation_id, team_memberships__user=user
    ).distinct()


# Roles that see the people their teams follow (house managers: their house is their team).
FOLLOWING_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HOUSE_MANAGER})


def _team_ids(user) -> list[int]:
    """The ids of the user's teams, read once per user object (a request's user) and given to
    the database as a list: PostgreSQL planned the membership subquery again in every query
    that names the user's teams (about 8 ms of Today at bench scale 100)."""
    from lien.accounts.models import TeamMembership

    ids = getattr(user, "_lien_team_ids", None)
    if ids is None:
        user.roles  # noqa: B018 (reads the roles and the team ids in one query)
        ids = getattr(user, "_lien_team_ids", None)
    if ids is None:  # roles were read before, without the teams
        ids = list(TeamMembership.objects.filter(user_id=user.pk).values_list("team_id", flat=True))
        user._lien_team_ids = ids
    return ids


def persons_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """People a team of the user follows (or followed within the visibility period); for a
    field volunteer, the people they recorded themselves and those named in their encounters."""
    ids = _visible_person_ids_query(user)
    if ids is None:
        return queryset.none()
    return queryset.filter(pk__in=ids, organisation_id=user.organisation_id)


def _visible_person_ids_query(user) -> models.QuerySet | None:
    """The ids of the people the user sees, one branch per way of seeing them, as one query
    (None: nobody). Each branch reads ids from its own index: no pass over the organisation's
    people, whose number grows with the service. Callers keep the organisation check on the
    rows they read."""
    from django.db.models import Q

    from lien.casework.models import FollowUp
    from lien.people.models import Person

    if not has_perm(user, Perm.VIEW_PERSONS):
        return None
    organisation_id = user.organisation_id
    branches: list[models.QuerySet] = []
    if user.roles & FOLLOWING_ROLES:
        # The follow-ups of the user's teams, read from the (team, ended_on) index alone,
        # whatever the number of teams in the organisation. No join through the team table:
        # PostgreSQL plans this subquery in every query that uses it, and the join doubled
        # that planning time (about 2 ms a query at scale 100).
        # The user's teams are of their organisation; the records read through these ids
        # check theirs, and `persons_visible_to` the people's.
        followed = (
            FollowUp.objects.granting_visibility()
            .filter(team_id__in=_team_ids(user))
            .order_by()
            .values("person_id")
        )
        # A file merged into a followed person's stays reachable (it shows where it went).
        merged = (
            Person.objects.filter(merged_into_id__in=followed, organisation_id=organisation_id)
            .order_by()
            .values("pk")
        )
        branches += [followed, merged]
    if Role.FIELD_VOLUNTEER in user.roles:
        from lien.outreach.models import Encounter

        recorded = (
            Person.objects.filter(created_by_id=user.pk, organisation_id=organisation_id)
            .order_by()
            .values("pk")
        )
        # Those named in encounters they recorded or attended.
        met = (
            Encounter.persons.through.objects.filter(
                Q(encounter__created_by_id=user.pk) | Q(encounter__presence__workers=user.pk),
                encounter__archived_at__isnull=True,
                encounter__organisation_id=organisation_id,
                person__organisation_id=organisation_id,
            )
            .order_by()
            .values("person_id")
        )
        branches += [recorded, met]
    if not branches:
        return None
    first, *others = branches
    # No ORDER BY: the union stands in a subquery (its first model's ordering would not apply).
    return first.union(*others, all=True).order_by() if others else first


def visible_person_ids(user):
    """The ids of the people the user sees, as a subquery for `person_id__in=`.

    The branches of `_visible_person_ids_query`, compiled once per user object (a request's
    user) instead of once per query: a person's file asks it a dozen times, and building that
    nested query dominated the page's time. The SQL holds no data — the database evaluates it
    in each query — so it cannot go stale while the user's roles stay the same, and their
    roles are read once per user object anyway.
    """
    from django.core.exceptions import EmptyResultSet
    from django.db.models.expressions import RawSQL

    cached = getattr(user, "_lien_visible_person_sql", None)
    if cached is None:
        ids = _visible_person_ids_query(user)
        try:
            if ids is None:
                raise EmptyResultSet
            cached = ids.query.sql_with_params()
        except EmptyResultSet:  # the user sees nobody
            # Typed: PostgreSQL compares ids with bigints only.
            cached = ("SELECT CAST(NULL AS BIGINT) WHERE 1 = 0", ())
        user._lien_visible_person_sql = cached
    sql, params = cached
    return RawSQL(sql, params)  # noqa: S611 (SQL compiled by the ORM above; values stay params)


def person_shown_or_404(user, queryset: models.QuerySet, **lookup):
    """A person the user sees (`queryset` of people, scoped here with `persons_visible_to`),
    or 404. The person is remembered on the user object (a request's user) as seen: the
    records of that one person read later in the request (`visible_to(user, person=…)`) then
    ask "is it this person?" instead of the visibility subquery, which PostgreSQL plans again
    in each query (about 1.5 ms each, a dozen times on a file). Narrowing only: it never lets
    anyone see more than the subquery would."""
    person = get_or_404(persons_visible_to(user, queryset), **lookup)
    shown = getattr(user, "_lien_people_shown", None)
    if shown is None:
        shown = user._lien_people_shown = set()
    shown.add(person.pk)
    return person


def _of_person(user, field: str, person) -> dict:
    """The lookups restricting `field` to the people the user sees, or, given `person`, to
    that person if the user sees them: the person's id alone when this request already found
    them visible (`person_shown_or_404`), else their id and the visibility subquery."""
    if person is None:
        return {f"{field}__in": visible_person_ids(user)}
    if person.pk in getattr(user, "_lien_people_shown", ()):
        return {field: person.pk}
    return {field: person.pk, f"{field}__in": visible_person_ids(user)}


def outreach_vocabulary_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Neighbourhoods, places and themes of the user's organisation, to those doing street
    work or managing its neighbourhoods."""
    perms = permissions_of(user)
    if not perms & {Perm.VIEW_OUTREACH, Perm.ADD_ENCOUNTERS, Perm.MANAGE_TERRITORIES}:
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def outreach_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Presences, encounters and passages of the user's teams (anonymous data is the team's;
    named persons on them are shown only when the user sees those persons)."""
    if not has_perm(user, Perm.VIEW_OUTREACH):
        return queryset.none()
    return queryset.filter(team_id__in=_team_ids(user), organisation_id=user.organisation_id)


def observations_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Observations of the user's teams: anonymous, so the whole team sees them (field
    volunteers included)."""
    return outreach_visible_to(user, queryset)


def mediations_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Mediations of the user's teams, to those who record them; the people named on one are
    shown only when the user sees them (`persons_visible_to`)."""
    if not has_perm(user, Perm.RECORD_MEDIATIONS):
        return queryset.none()
    return queryset.filter(team_id__in=_team_ids(user), organisation_id=user.organisation_id)


def observation_editable(user, observation) -> bool:
    """May the user change or archive this observation? Coordinators and social workers: any
    of their teams'; field volunteers: those they wrote."""
    if not has_perm(user, Perm.ADD_ENCOUNTERS):
        return False
    if observation.organisation_id != user.organisation_id:
        return False
    if observation.team_id not in _team_ids(user):
        return False
    if user.roles & {Role.COORDINATOR, Role.SOCIAL_WORKER}:
        return True
    return observation.created_by_id == user.pk


def mediation_editable(user, mediation) -> bool:
    """May the user change, archive or close the follow-up of this mediation? Those who record
    mediations, for their teams: a mediation is followed up by the team, not by its author."""
    return (
        has_perm(user, Perm.RECORD_MEDIATIONS)
        and mediation.organisation_id == user.organisation_id
        and mediation.team_id in _team_ids(user)
    )


def counter_types_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Daily counter types: all the organisation's (archived included) to those who configure
    them; to the street-work roles, the live ones of every team and of their teams."""
    from django.db.models import Q

    if has_perm(user, Perm.MANAGE_COUNTERS):
        return queryset.filter(organisation_id=user.organisation_id)
    if not has_perm(user, Perm.VIEW_OUTREACH):
        return queryset.none()
    return queryset.filter(
        Q(team__isnull=True) | Q(team_id__in=_team_ids(user)),
        organisation_id=user.organisation_id,
        archived_at__isnull=True,
    )


def daily_counts_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Daily counts of the user's teams (anonymous figures: the whole team sees them)."""
    return outreach_visible_to(user, queryset)


def outreach_record_editable(user, record, *, team_ids=None) -> bool:
    """May the user change or archive this presence, encounter or drop-in visit?

    Coordinators: any of their teams' records (they correct the team's figures). Social
    workers: the ones they recorded. Field volunteers: the ones they recorded, on the day they
    recorded them (Brussels time) — a slip is put right on the spot; later, a colleague with
    more rights does it, since the figures may already be in a report.
    """
    from django.utils import timezone

    perms = permissions_of(user)
    if Perm.ADD_ENCOUNTERS not in perms or record.organisation_id != user.organisation_id:
        return False
    # `team_ids`: the user's teams, read once by a page that asks for many records.
    if team_ids is None:
        team_ids = outreach_team_ids(user)
    if record.team_id not in team_ids:
        return False
    if Perm.EDIT_TEAM_OUTREACH in perms:
        return True
    if record.created_by_id != user.pk:
        return False
    if Perm.EDIT_OWN_OUTREACH in perms:
        return True
    return timezone.localdate(record.created_at) == timezone.localdate()


def outreach_team_ids(user) -> set[int]:
    """The ids of the user's teams, for `outreach_record_editable` over a list."""
    return set(_team_ids(user))


def outreach_teams(user, queryset: models.QuerySet) -> models.QuerySet:
    """Teams in whose name the user records street work: their own, active ones."""
    if not has_perm(user, Perm.ADD_ENCOUNTERS):
        return queryset.none()
    return my_teams(user, queryset).filter(archived_at__isnull=True)


def teams_for_follow_up(user, queryset: models.QuerySet) -> models.QuerySet:
    """Teams in whose name the user may open a follow-up: their own, active ones."""
    if not has_perm(user, Perm.CREATE_PERSONS):
        return queryset.none()
    return my_teams(user, queryset).filter(archived_at__isnull=True)


def journal_entries_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    """Notes of people the user sees: team notes to social workers and coordinators, shared
    notes also to house managers, private notes to their author only; sensitive sections
    (health, addictions, justice, residence) only to roles with that right."""
    from django.db.models import Q

    from lien.casework.models import JournalEntry

    perms = permissions_of(user)
    if Perm.VIEW_PERSONS not in perms:
        return queryset.none()
    allowed = Q(visibility=JournalEntry.Visibility.PRIVATE, author_id=user.pk)
    if Perm.READ_TEAM_NOTES in perms:
        allowed |= Q(visibility=JournalEntry.Visibility.TEAM)
    if Perm.READ_SHARED_NOTES in perms:
        allowed |= Q(visibility=JournalEntry.Visibility.SHARED)
    if Perm.VIEW_SENSITIVE not in perms:
        allowed &= Q(section=JournalEntry.Section.GENERAL)
    return queryset.filter(
        allowed,
        **_of_person(user, "person_id", person),
        organisation_id=user.organisation_id,
        archived_at=None,
    )


def note_visibilities_for(user) -> list[str]:
    """The visibilities a user may give to a note they write."""
    from lien.casework.models import JournalEntry

    if has_perm(user, Perm.WRITE_NOTES):
        return [v.value for v in JournalEntry.Visibility]
    if has_perm(user, Perm.WRITE_LIAISON_NOTES):
        return [JournalEntry.Visibility.SHARED, JournalEntry.Visibility.PRIVATE]
    return []


def procedures_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:

    if not has_perm(user, Perm.MANAGE_PROCEDURES):
        return queryset.none()
    return queryset.filter(
        **_of_person(user, "person_id", person), organisation_id=user.organisation_id
    )


def partners_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """The partner directory of the user's organisation, archived partners included (the
    caller filters with `active()`)."""
    if not has_perm(user, Perm.VIEW_PARTNERS):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def partner_contacts_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    if not has_perm(user, Perm.VIEW_PARTNERS):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def appointments_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    """Appointments of the people the user sees, plus those the user attends or set up; never
    another organisation's. Their notes are for holders of MANAGE_APPOINTMENTS only."""
    from django.db.models import Q

    from lien.casework.models import Appointment

    if not has_perm(user, Perm.VIEW_APPOINTMENTS):
        return queryset.none()
    if person is not None and person.pk in getattr(user, "_lien_people_shown", ()):
        # Appointments with a person the user sees are all visible.
        return queryset.filter(person_id=person.pk, organisation_id=user.organisation_id)
    people = visible_person_ids(user)
    attended = Appointment.workers.through.objects.filter(user_id=user.pk).values("appointment_id")
    if person is not None:
        queryset = queryset.filter(person_id=person.pk)
    return queryset.filter(
        Q(person_id__in=people) | Q(pk__in=attended) | Q(created_by_id=user.pk),
        organisation_id=user.organisation_id,
    )


def appointment_workers(user, queryset: models.QuerySet, *, already=()) -> models.QuerySet:
    """Who may be put down as attending an appointment: the user and the active colleagues of
    their teams whose roles see appointments, plus those `already` attending (when editing)."""
    from django.db.models import Q

    from lien.accounts.models import Membership, TeamMembership

    if not has_perm(user, Perm.MANAGE_APPOINTMENTS):
        return queryset.none()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_APPOINTMENTS in perms]
    colleagues = TeamMembership.objects.filter(team_id__in=_team_ids(user)).values("user_id")
    able = Membership.objects.filter(role__in=roles).values("user_id")
    return queryset.filter(
        Q(pk=user.pk) | (Q(pk__in=colleagues, is_active=True) & Q(pk__in=able)) | Q(pk__in=already),
        organisation_id=user.organisation_id,
    )


def documents_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    """Documents of the people the user sees, for holders of MANAGE_DOCUMENTS; archived ones
    are left out."""

    if not has_perm(user, Perm.MANAGE_DOCUMENTS):
        return queryset.none()
    return queryset.filter(
        **_of_person(user, "person_id", person),
        organisation_id=user.organisation_id,
        archived_at__isnull=True,
    )


def _of_visible_people(user, queryset: models.QuerySet, perm: str, person=None) -> models.QuerySet:

    if not has_perm(user, perm):
        return queryset.none()
    return queryset.filter(
        **_of_person(user, "person_id", person), organisation_id=user.organisation_id
    )


def consents_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    return _of_visible_people(user, queryset, Perm.MANAGE_REFERRALS, person)


def referrals_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    return _of_visible_people(user, queryset, Perm.MANAGE_REFERRALS, person)


def circle_visible_to(user, queryset: models.QuerySet, *, person=None) -> models.QuerySet:
    """Who works with the people the user sees; a doctor, a lawyer or a debt mediator tells
    something of health, justice or debts, so only roles with the sensitive right see them."""
    from lien.casework.models import CircleMember

    visible = _of_visible_people(user, queryset, Perm.VIEW_CIRCLE, person).filter(
        archived_at__isnull=True
    )
    if not has_perm(user, Perm.VIEW_SENSITIVE):
        visible = visible.exclude(role__in=CircleMember.SENSITIVE_ROLES)
    return visible


def identity_documents_visible_to(
    user, queryset: models.QuerySet, *, person=None
) -> models.QuerySet:
    """Identity documents of the people the user sees, for roles shown the full identity; a
    document revealing the residence status (a foreigner's card, an annex) only to roles with
    the right to sensitive sections. Archived documents stay in (the file lists them apart)."""
    from lien.people.models import IdentityDocument

    perms = permissions_of(user)
    if Perm.VIEW_IDENTITY not in perms:
        return queryset.none()
    if Perm.VIEW_SENSITIVE not in perms:
        queryset = queryset.filter(kind__in=IdentityDocument.NON_RESIDENCE_KINDS)
    return queryset.filter(
        **_of_person(user, "person_id", person), organisation_id=user.organisation_id
    )


def relations_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Relations between two people the user both sees: a relation never names someone the
    user may not see."""

    if not has_perm(user, Perm.VIEW_IDENTITY):
        return queryset.none()
    people = visible_person_ids(user)
    return queryset.filter(
        person_id__in=people, relative_id__in=people, organisation_id=user.organisation_id
    )


def person_merges_visible_to(user, queryset: models.QuerySet, *, kept=None) -> models.QuerySet:
    """Merges into a file the user sees, for those who may merge (and so undo)."""

    if not has_perm(user, Perm.MERGE_PERSONS):
        return queryset.none()
    return queryset.filter(
        **_of_person(user, "kept_id", kept), organisation_id=user.organisation_id
    )


def pathways_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    if not has_perm(user, Perm.MANAGE_PATHWAYS):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def projects_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Collective projects of the user's teams (archived ones included: callers filter)."""
    if not has_perm(user, Perm.VIEW_PROJECTS):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id, team_id__in=_team_ids(user))


def participations_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Named participation in the projects the user sees, for those who manage projects, and
    only of people the user sees: a field volunteer sees counts, never names; a person the
    user may not see is counted, never named."""
    from lien.projects.models import CollectiveProject

    if not has_perm(user, Perm.MANAGE_PROJECTS):
        return queryset.none()
    projects = projects_visible_to(user, CollectiveProject.objects.all()).values("pk")
    people = visible_person_ids(user)
    return queryset.filter(
        activity__project_id__in=projects,
        person_id__in=people,
        organisation_id=user.organisation_id,
    )


# Custom fields. Who may read an entity's custom fields at all: for people, those shown the
# full identity (a volunteer's minimal identity leaves them out); for street observations,
# those who see the team's street work (volunteers included). A new entity adds its line.
CUSTOM_FIELD_ENTITY_PERMS = {"person": Perm.VIEW_IDENTITY, "observation": Perm.VIEW_OUTREACH}


def custom_fields_for(user, queryset: models.QuerySet, entity: str) -> models.QuerySet:
    """The live custom fields of `entity` the user may see and fill: those of every team and
    those of the user's teams; sensitive ones only with the right to sensitive sections."""
    from django.db.models import Q

    perms = permissions_of(user)
    if CUSTOM_FIELD_ENTITY_PERMS.get(entity) not in perms:
        return queryset.none()
    queryset = queryset.filter(
        Q(team__isnull=True) | Q(team_id__in=_team_ids(user)),
        organisation_id=user.organisation_id,
        entity=entity,
        archived_at__isnull=True,
    )
    if Perm.VIEW_SENSITIVE not in perms:
        queryset = queryset.filter(sensitive=False)
    return queryset


def custom_fields_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Definitions of custom fields: all the organisation's (archived included) to those who
    manage them; to others, the ones they may fill."""
    from django.db.models import Q

    if has_perm(user, Perm.MANAGE_CUSTOM_FIELDS):
        return queryset.filter(organisation_id=user.organisation_id)
    usable = Q(pk__in=[])
    for entity in CUSTOM_FIELD_ENTITY_PERMS:
        usable |= Q(pk__in=custom_fields_for(user, queryset.model.objects.all(), entity))
    return queryset.filter(usable)


# Team work. A user sees the meetings, reports and messages of the teams they belong to
# (coordinators are members of the teams they coordinate); never another team's.


def _of_my_teams(user, queryset: models.QuerySet, perm: str) -> models.QuerySet:
    if not has_perm(user, perm):
        return queryset.none()
    return queryset.filter(team_id__in=_team_ids(user), organisation_id=user.organisation_id)


def teamwork_teams(user, queryset: models.QuerySet) -> models.QuerySet:
    """The teams whose team work (or liaison board) the user reaches."""
    if not has_perm(user, Perm.USE_LIAISON) and not has_perm(user, Perm.VIEW_TEAMWORK):
        return queryset.none()
    return my_teams(user, queryset)


def team_meetings_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    return _of_my_teams(user, queryset, Perm.VIEW_TEAMWORK)


def daily_reports_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    return _of_my_teams(user, queryset, Perm.VIEW_TEAMWORK)


def liaison_messages_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    return _of_my_teams(user, queryset, Perm.USE_LIAISON)


def action_items_visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """Action items of the meetings the user sees, and those assigned to the user (who may
    sit in another team)."""
    from django.db.models import Q

    if not has_perm(user, Perm.VIEW_TEAMWORK):
        return queryset.none()
    return queryset.filter(
        Q(meeting__team_id__in=_team_ids(user)) | Q(assignee_id=user.pk),
        organisation_id=user.organisation_id,
        meeting__archived_at__isnull=True,
    )


def meeting_attendees(user, team, queryset: models.QuerySet, *, already=()) -> models.QuerySet:
    """Who may be put down as attending a meeting: the team's members, plus those `already`
    attending (when editing)."""
    from django.db.models import Q

    from lien.accounts.models import TeamMembership

    if not has_perm(user, Perm.MANAGE_MEETINGS):
        return queryset.none()
    members = TeamMembership.objects.filter(team_id=team.pk).values("user_id")
    return queryset.filter(
        Q(pk__in=members) | Q(pk__in=already), organisation_id=user.organisation_id
    )


def action_assignees(user, queryset: models.QuerySet) -> models.QuerySet:
    """Who may be given an action item: active users of the organisation whose roles see team
    work (so they can read it on their Today page and mark it done)."""
    from lien.accounts.models import Membership

    if not has_perm(user, Perm.MANAGE_MEETINGS):
        return queryset.none()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_TEAMWORK in perms]
    able = Membership.objects.filter(role__in=roles).values("user_id")
    return queryset.filter(pk__in=able, is_active=True, organisation_id=user.organisation_id)
