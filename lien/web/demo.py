"""Fictional demo organisations: every name here is invented; no real person is described."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership, User

DEMO_PASSWORD = "lien-demo-2026"  # noqa: S105 (refused outside demo mode)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]


DEMO = [
    (
        "Travail de rue Molenbeek (démo)",
        Organisation.Kind.STREET_WORK,
        ["Maritime – Gare de l'Ouest", "Centre historique – Heyvaert"],
        [
            DemoUser("admin@rue.example", "Nadia Admin", (Role.ADMIN,), ()),
            DemoUser(
                "coordination@rue.example",
                "Karim Coordination",
                (Role.COORDINATOR,),
                ("Maritime – Gare de l'Ouest", "Centre historique – Heyvaert"),
            ),
            DemoUser(
                "educ@rue.example",
                "Sofia Éducatrice",
                (Role.SOCIAL_WORKER,),
                ("Maritime – Gare de l'Ouest",),
            ),
            DemoUser(
                "benevole@rue.example",
                "Jonas Bénévole",
                (Role.FIELD_VOLUNTEER,),
                ("Centre historique – Heyvaert",),
            ),
            DemoUser(
                "gestion@rue.example",
                "Lotte Gestionnaire",
                (Role.HOUSE_MANAGER,),
                ("Centre historique – Heyvaert",),
            ),
            DemoUser("analyse@rue.example", "Wim Analyste", (Role.ANALYST,), ()),
        ],
    ),
    (
        "Habitat solidaire (démo)",
        Organisation.Kind.COHOUSING,
        ["Maison des hommes (10)", "Maison des femmes (12)"],
        [
            # In a small association the admin is often the social worker too.
            DemoUser(
                "as@habitat.example",
                "Claire Assistante sociale",
                (Role.ADMIN, Role.SOCIAL_WORKER),
                ("Maison des hommes (10)", "Maison des femmes (12)"),
            ),
            DemoUser(
                "coordination@habitat.example",
                "Marc Coordination",
                (Role.COORDINATOR,),
                ("Maison des hommes (10)", "Maison des femmes (12)"),
            ),
            DemoUser(
                "maison.hommes@habitat.example",
                "Famille Peeters (gestion)",
                (Role.HOUSE_MANAGER,),
                ("Maison des hommes (10)",),
            ),
            DemoUser(
                "maison.femmes@habitat.example",
                "Famille Diallo (gestion)",
                (Role.HOUSE_MANAGER,),
                ("Maison des femmes (12)",),
            ),
            DemoUser(
                "benevole@habitat.example",
                "Inès Bénévole",
                (Role.FIELD_VOLUNTEER,),
                ("Maison des femmes (12)",),
            ),
            DemoUser("analyse@habitat.example", "Tom Analyste", (Role.ANALYST,), ()),
        ],
    ),
]


# Fictional people, followed by the first team of each organisation; recorded by its coordinator.
DEMO_PEOPLE = {
    "Travail de rue Molenbeek (démo)": [
        {"nickname": "Momo", "birth_year": 2006, "gender": "M"},
        {"first_name": "Youssef", "last_name": "Benali", "birth_year": 2003, "gender": "M"},
        {"first_name": "Sara", "last_name": "Lambrechts", "nickname": "Saar", "gender": "F"},
        {"nickname": "Le Grand", "gender": "M", "alert": True, "alert_note": "Chien non muselé"},
    ],
    "Habitat solidaire (démo)": [
        {"first_name": "Jean-Pierre", "last_name": "Dumont", "birth_year": 1968, "gender": "M"},
        {"first_name": "Ana", "last_name": "Popescu", "birth_year": 1979, "gender": "F"},
        {
            "first_name": "Fatou",
            "last_name": "Diop",
            "birth_year": 1985,
            "birth_month": 4,
            "birth_day": 12,
            "gender": "F",
        },
    ],
}


def _load_people(organisation: Organisation) -> None:
    from lien.people.models import Person
    from lien.people.services import create_person

    coordinator = User.objects.filter(
        organisation=organisation, memberships__role=Role.COORDINATOR
    ).first()
    team = Team.objects.filter(organisation=organisation).order_by("name").first()
    for data in DEMO_PEOPLE.get(organisation.name, []):
        names = {k: data.get(k, "") for k in ("first_name", "last_name", "nickname")}
        if Person.objects.filter(organisation=organisation, **names).exists():
            continue
        person = create_person(by=coordinator, team=team, data={"niss": "", **data})
        Person.objects.filter(pk=person.pk).update(is_demo=True)


# Fictional Brussels partners, in both organisations' directories (addresses and numbers invented).
DEMO_PARTNERS = [
    {
        "name": "CPAS – antenne Étangs Noirs (démo)",
        "sector": "cpas",
        "address": "Rue de l'Exemple 12",
        "postcode": "1080",
        "commune": "Molenbeek-Saint-Jean",
        "services": "Revenu d'intégration, aide médicale urgente, adresse de référence.",
        "opening_hours": "Lundi, mercredi, vendredi 8h30-11h30 sans rendez-vous",
        "languages": "FR, NL, arabe",
        "phone": "02 000 00 01",
        "email": "accueil@cpas-demo.example",
        "contacts": [{"full_name": "Nora Demo", "role": "Assistante sociale, accueil"}],
    },
    {
        "name": "Maison médicale du Canal (démo)",
        "sector": "health",
        "address": "Quai de l'Exemple 3",
        "postcode": "1080",
        "commune": "Molenbeek-Saint-Jean",
        "services": "Médecine générale, kinésithérapie, soins infirmiers; forfait INAMI.",
        "opening_hours": "Lu-Ve 8h-19h, sur rendez-vous",
        "languages": "FR, NL, arabe, berbère",
        "phone": "02 000 00 02",
        "website": "https://maison-medicale-demo.example",
        "contacts": [{"full_name": "Dr Pieter Fictief", "role": "Médecin généraliste"}],
    },
    {
        "name": "AIS Quartiers solidaires (démo)",
        "sector": "housing",
        "address": "Avenue de l'Exemple 45",
        "postcode": "1070",
        "commune": "Anderlecht",
        "services": "Agence immobilière sociale: logements à loyer modéré, inscription sur liste.",
        "opening_hours": "Mardi et jeudi 9h-12h",
        "languages": "FR, NL",
        "phone": "02 000 00 03",
        "email": "candidats@ais-demo.example",
    },
    {
        "name": "Médiation de dettes Entre-Deux (démo)",
        "sector": "debt",
        "address": "Rue de l'Exemple 7",
        "postcode": "1000",
        "commune": "Bruxelles",
        "services": "Médiation amiable et judiciaire, plan de paiement, budget.",
        "opening_hours": "Sur rendez-vous",
        "languages": "FR, NL, EN",
        "phone": "02 000 00 04",
    },
    {
        "name": "Resto du Midi (démo)",
        "sector": "basic_needs",
        "postcode": "1060",
        "commune": "Saint-Gilles",
        "services": "Repas chauds, douches, vestiaire.",
        "opening_hours": "Tous les jours 11h30-14h",
        "languages": "FR, NL, EN, roumain",
    },
]


def _load_partners(organisation: Organisation) -> None:
    from lien.partners.models import Partner
    from lien.partners.services import add_contact, create_partner

    coordinator = User.objects.filter(
        organisation=organisation, memberships__role=Role.COORDINATOR
    ).first()
    existing = set(Partner.objects.filter(organisation=organisation).values_list("name", flat=True))
    for data in DEMO_PARTNERS:
        if data["name"] in existing:
            continue
        fields = {k: v for k, v in data.items() if k != "contacts"}
        partner = create_partner(by=coordinator, data=fields)
        for contact in data.get("contacts", []):
            add_contact(by=coordinator, partner=partner, data=contact)


# Each organisation's own fields on a person's file, and a value or two on the demo people
# ({field label: value}, by the person's nickname or first name).
DEMO_CUSTOM_FIELDS = {
    "Travail de rue Molenbeek (démo)": [
        {
            "label": "Quartier de rencontre",
            "kind": "choice",
            "choices": "Maritime\nGare de l'Ouest\nHeyvaert\nCentre historique\nAutre",
            "help_text": "Où l'équipe a rencontré la personne la première fois.",
        },
        {"label": "Dort en rue", "kind": "yes_no"},
    ],
    "Habitat solidaire (démo)": [
        {"label": "Date d'entrée dans la maison", "kind": "date"},
        {
            "label": "Revenu principal",
            "kind": "choice",
            "choices": "Revenu d'intégration (CPAS)\nAllocations de chômage\n"
            "Indemnités de mutuelle\nSalaire\nAucun",
        },
    ],
}
DEMO_CUSTOM_VALUES = {
    "Momo": {"Quartier de rencontre": "Maritime", "Dort en rue": True},
    "Le Grand": {"Quartier de rencontre": "Gare de l'Ouest"},
    "Jean-Pierre": {
        "Date d'entrée dans la maison": datetime.date(2025, 9, 15),
        "Revenu principal": "Revenu d'intégration (CPAS)",
    },
    "Fatou": {"Date d'entrée dans la maison": datetime.date(2026, 1, 5)},
}


def _load_custom_fields(organisation: Organisation) -> None:
    from lien.customfields.models import CustomField, CustomValue
    from lien.customfields.services import define_field
    from lien.people.models import Person
    from lien.people.services import update_person

    admin = User.objects.filter(organisation=organisation, memberships__role=Role.ADMIN).first()
    coordinator = User.objects.filter(
        organisation=organisation, memberships__role=Role.COORDINATOR
    ).first()
    existing = {
        field.label: field for field in CustomField.objects.filter(organisation=organisation)
    }
    for data in DEMO_CUSTOM_FIELDS.get(organisation.name, []):
        if data["label"] not in existing:
            existing[data["label"]] = define_field(
                by=admin, entity=CustomField.Entity.PERSON, kind=data["kind"], data=data
            )
    for person in Person.objects.filter(organisation=organisation, is_demo=True):
        values = DEMO_CUSTOM_VALUES.get(person.nickname or person.first_name, {})
        fields = {existing[label]: value for label, value in values.items() if label in existing}
        filled = set(
            CustomValue.objects.filter(object_id=person.pk, field__in=fields).values_list(
                "field_id", flat=True
            )
        )
        custom = {field: value for field, value in fields.items() if field.pk not in filled}
        if custom:
            update_person(
                by=coordinator, person=person, version=person.version, data={}, custom=custom
            )


def _member(organisation: Organisation, role: str) -> User:
    return (
        User.objects.filter(organisation=organisation, memberships__role=role)
        .order_by("email")
        .first()
    )


def _load_pathways(organisation: Organisation) -> None:
    """The cohousing rule: an individual social assessment within 7 days of arrival."""
    from lien.casework.models import PathwayTemplate
    from lien.casework.services_pathways import create_pathway

    if organisation.kind != Organisation.Kind.COHOUSING:
        return
    if PathwayTemplate.objects.filter(organisation=organisation).exists():
        return
    create_pathway(
        by=_member(organisation, Role.COORDINATOR),
        name="Accueil d'un·e nouvel·le habitant·e",
        event=PathwayTemplate.Event.FOLLOW_UP_OPENED,
        team=None,
        steps=[
            {"title": "Bilan social individuel", "domain": "other", "days_after": 7},
            {"title": "Vérifier la mutuelle", "domain": "health_insurance", "days_after": 14},
        ],
    )


def _load_casework(organisation: Organisation) -> None:
    """A few notes, procedures, a referral, the circle and an appointment on the demo people,
    so that the file, the timeline, the agenda and Today have something to show."""
    from lien.casework import services, services_appointments, services_referrals
    from lien.casework.models import JournalEntry
    from lien.partners.models import Partner
    from lien.people.models import Person

    worker = _member(organisation, Role.SOCIAL_WORKER)
    people = list(Person.objects.filter(organisation=organisation, is_demo=True).order_by("pk"))
    partner = Partner.objects.filter(organisation=organisation).order_by("name").first()
    if not people or worker is None or partner is None:
        return
    if JournalEntry.objects.filter(person__in=people).exists():
        return
    today = timezone.localdate()
    first, second = people[0], people[1]
    for person, visibility, channel, text in [
        (
            first,
            "team",
            "street",
            "Rencontré près de la gare de l'Ouest. Demande d'aide pour ses papiers.",
        ),
        (first, "shared", "phone", "Rendez-vous au CPAS confirmé pour jeudi."),
        (second, "team", "in_person", "Entretien : parle d'une dette de loyer, à creuser."),
    ]:
        services.add_journal_entry(
            by=worker,
            person=person,
            text=text,
            kind="note",
            channel=channel,
            visibility=visibility,
            section="general",
            occurred_at=timezone.now() - datetime.timedelta(days=3),
        )
    services.create_procedure(
        by=worker,
        person=first,
        data={
            "domain": "cpas",
            "title": "Demande de revenu d'intégration",
            "responsible": worker,
            "partner": partner,
            "cpas_received_on": today - datetime.timedelta(days=25),
        },
    )
    services.create_procedure(
        by=worker,
        person=second,
        data={
            "domain": "identity",
            "title": "Renouveler la carte d'identité",
            "responsible": worker,
            "due_on": today + datetime.timedelta(days=3),
        },
    )
    services_referrals.refer(
        by=worker,
        person=second,
        partner=partner,
        reason="Médiation de dettes",
        referred_on=today - datetime.timedelta(days=20),
        accompanied=True,
        consent_now=True,
    )
    services_referrals.add_to_circle(
        by=worker,
        person=first,
        data={"role": "cpas_worker", "name": "Mme A. Peeters", "partner": partner},
    )
    start = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0))
    )
    services_appointments.create_appointment(
        by=worker,
        person=first,
        workers=[worker],
        data={
            "title": "Accompagnement au CPAS",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=1),
            "place": partner.name,
        },
    )


def _load_projects(organisation: Organisation) -> None:
    """The street-work team's Wednesday football: three sessions with named and anonymous
    participants, so that the project page has a chart to show."""
    from lien.people.models import Person
    from lien.projects import services
    from lien.projects.models import CollectiveProject

    if organisation.kind != Organisation.Kind.STREET_WORK:
        return
    title = "Foot du mercredi"
    if CollectiveProject.objects.filter(organisation=organisation, title=title).exists():
        return
    coordinator = _member(organisation, Role.COORDINATOR)
    team = Team.objects.filter(organisation=organisation).order_by("name").first()
    if coordinator is None or team is None:
        return
    today = timezone.localdate()
    last_wednesday = today - datetime.timedelta(days=(today.weekday() - 2) % 7 or 7)
    project = services.create_project(
        by=coordinator,
        team=team,
        data={
            "title": title,
            "goals": "Se retrouver chaque semaine autour du football, créer du lien avec les "
            "jeunes du quartier et parler de ce qui les préoccupe.",
            "public": "Jeunes de 15 à 25 ans",
            "status": CollectiveProject.Status.RUNNING,
            "starts_on": last_wednesday - datetime.timedelta(weeks=6),
        },
    )
    people = list(Person.objects.filter(organisation=organisation, is_demo=True).order_by("pk"))
    for weeks_ago, named, counts in [
        (2, people[:1], {("15-17", "m"): 6, ("18-21", "m"): 3}),
        (1, people[:2], {("15-17", "m"): 8, ("15-17", "f"): 2, ("18-21", "m"): 4}),
        (0, people[:2], {("15-17", "m"): 7, ("18-21", "f"): 3, ("22-25", "m"): 2}),
    ]:
        activity = services.add_activity(
            by=coordinator,
            project=project,
            data={
                "kind": "session",
                "date": last_wednesday - datetime.timedelta(weeks=weeks_ago),
                "place": "Terrain du parc de la Fonderie",
            },
        )
        services.record_attendance(
            by=coordinator, activity=activity, listed=named, attended=named, counts=counts
        )


def load_demo() -> list[DemoUser]:
    """Create (or complete) the demo organisations; running it twice changes nothing."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo data is only loaded with LIEN_DEMO=1, never in production."
        )
    loaded = []
    with transaction.atomic():
        for name, kind, team_names, users in DEMO:
            organisation, _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "is_demo": True}
            )
            teams = {
                team_name: Team.objects.get_or_create(organisation=organisation, name=team_name)[0]
                for team_name in team_names
            }
            for demo in users:
                user = User.objects.filter(email=demo.email).first()
                if user is None:
                    user = User.objects.create_user(
                        email=demo.email,
                        password=DEMO_PASSWORD,
                        full_name=demo.full_name,
                        organisation=organisation,
                        is_demo=True,
                    )
                for role in demo.roles:
                    Membership.objects.get_or_create(
                        organisation=organisation, user=user, role=role
                    )
                for team_name in demo.teams:
                    TeamMembership.objects.get_or_create(
                        organisation=organisation, user=user, team=teams[team_name]
                    )
                loaded.append(demo)
            _load_pathways(organisation)
            _load_people(organisation)
            _load_partners(organisation)
            _load_custom_fields(organisation)
            _load_casework(organisation)
            _load_projects(organisation)
            _load_outreach(organisation)
    return loaded


def _load_outreach(organisation: Organisation) -> None:
    """Street-work themes for every organisation; Molenbeek's neighbourhoods and places for
    the street-work one."""
    from lien.outreach.vocabulary import seed_molenbeek, seed_vocabulary

    seed_vocabulary(organisation=organisation)
    if organisation.kind == Organisation.Kind.STREET_WORK:
        seed_molenbeek(organisation=organisation)
