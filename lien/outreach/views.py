"""Street work on a phone: presences, the quick encounter form, drop-in passages."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.audit.services import record
from lien.outreach import services
from lien.outreach.forms import (
    EncounterForm,
    PassageForm,
    PersonSearchForm,
    PresenceEndForm,
    PresenceStartForm,
    QuickPersonForm,
    new_token,
)
from lien.outreach.models import (
    AnonymousCount,
    Encounter,
    Passage,
    Place,
    Presence,
    Territory,
    Theme,
)
from lien.people import services as people_services
from lien.people.models import Person

RECENT = 20
SEARCH_RESULTS = 10
MAX_NAMED = 10  # named people carried on one encounter form
QUICK_CREATE = "quick_create"  # the encounter form's button that opens a file from a nickname
QUICK_PREFIX = "quick"


def _teams(user):
    return policy.outreach_teams(user, Team.objects.all()).order_by("name")


def _current_presence(user) -> Presence | None:
    """The user's presence under way, if any (the latest one)."""
    return (
        Presence.objects.visible_to(user)
        .under_way()
        .filter(workers=user)
        .select_related("team", "territory")
        .order_by("-started_at")
        .first()
    )


_counted = Subquery(
    AnonymousCount.objects.filter(encounter=OuterRef("pk"))
    .values("encounter")
    .annotate(total=Sum("count"))
    .values("total")
)
_named = Subquery(
    Encounter.persons.through.objects.filter(encounter=OuterRef("pk"))
    .values("encounter")
    .annotate(total=Count("pk"))
    .values("total")
)


@policy.require(Perm.VIEW_OUTREACH)
def home(request: HttpRequest) -> HttpResponse:
    """My team's street work: the presence under way, recent presences and encounters."""
    user = request.user
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .select_related("place", "team")
        # Subqueries: summing through a join with the named persons would count twice.
        .annotate(people=_counted, named=_named)
        .order_by("-occurred_at", "-pk")[:RECENT]
    )
    presences = (
        Presence.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .select_related("territory", "team")
        .order_by("-started_at", "-pk")[:RECENT]
    )
    passages = (
        Passage.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .select_related("team")
        .order_by("-occurred_at", "-pk")[:RECENT]
    )
    team_ids = policy.outreach_team_ids(user)
    encounters, presences, passages = list(encounters), list(presences), list(passages)
    for item in [*encounters, *presences, *passages]:
        item.editable = policy.outreach_record_editable(user, item, team_ids=team_ids)
    return render(
        request,
        "outreach/home.html",
        {
            "current": _current_presence(user),
            "encounters": encounters,
            "presences": presences,
            "passages": passages,
            "can_add": policy.has_perm(user, Perm.ADD_ENCOUNTERS),
            "can_mediate": policy.has_perm(user, Perm.RECORD_MEDIATIONS),
            "can_manage": policy.has_perm(user, Perm.MANAGE_TERRITORIES),
        },
    )


@policy.require(Perm.ADD_ENCOUNTERS)
def presence_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = _teams(user)
    territories = Territory.objects.visible_to(user).active()
    places = Place.objects.visible_to(user).active().select_related("territory")
    form = PresenceStartForm(
        request.POST or None, teams=teams, territories=territories, places=places
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The same token again (a double tap, a retry) is the presence it started.
        services.start_presence(
            by=user,
            team=data["team"],
            territory=data["territory"],
            places=data["places"],
            client_token=data["client_token"],
        )
        messages.success(request, _("You are in the field. Log the people you meet."))
        return redirect("outreach:encounter_new")
    if "client_token" in form.errors:
        # A page shown before the token existed, or tampered with: nothing was started; the
        # page comes back with a fresh token, so that the next "Go out" starts the presence.
        form.data = form.data.copy()
        form.data["client_token"] = str(new_token())
    if request.method != "POST":
        last = Presence.objects.visible_to(user).filter(workers=user).order_by("-started_at")
        last = last.select_related("team", "territory").first()
        team = last.team if last else teams.first()
        form.initial = {
            "client_token": new_token(),
            "team": team.public_id if team else None,
            "territory": last.territory.public_id if last and last.territory else None,
        }
    return render(request, "outreach/presence_start.html", {"form": form})


@policy.require(Perm.ADD_ENCOUNTERS)
def presence_end(request: HttpRequest, public_id) -> HttpResponse:
    presence = policy.get_or_404(
        Presence.objects.visible_to(request.user).active().select_related("territory"),
        public_id=public_id,
    )
    if not services.may_end_presence(request.user, presence):
        raise PermissionDenied
    form = PresenceEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_presence(by=request.user, presence=presence, **form.cleaned_data)
        messages.success(request, _("Presence ended."))
        return redirect("outreach:home")
    return render(request, "outreach/presence_end.html", {"form": form, "presence": presence})


def _named_persons(user, raw_ids) -> list[Person]:
    """The people chosen for an encounter (?person=…), among those the user sees."""
    ids = []
    for raw in raw_ids[:MAX_NAMED]:
        try:
            ids.append(str(uuid.UUID(raw)))
        except ValueError:
            continue
    if not ids:
        return []
    return list(Person.objects.visible_to(user).filter(public_id__in=ids).order_by("pk"))


def _search(request, visible_people, posted=None):
    """Search the people the user sees, by nickname or first name: `?q=` (a plain GET), or
    the `q` of a record's form posted by its Search button (`posted`; the box then comes back
    empty, the query being shown above the results). Returns (form, results, query)."""
    search = PersonSearchForm((request.GET if posted is None else posted) or None)
    if not (search.is_valid() and search.cleaned_data["q"]):
        return search, [], ""
    query = search.cleaned_data["q"]
    record(action="person.searched", actor=request.user, object_type="people.person")
    results = visible_people.filter(
        Q(nickname__icontains=query) | Q(first_name__icontains=query), archived_at__isnull=True
    ).order_by("nickname", "pk")[:SEARCH_RESULTS]
    return (search if posted is None else PersonSearchForm()), list(results), query


def searching(request) -> bool:
    """Was a record's form posted to find or add a person rather than to save it? Its Search
    or Add button, or a name left in its search box (pressing Enter there): nothing is saved,
    the form comes back with everything typed."""
    if request.method != "POST":
        return False
    post = request.POST
    return "search" in post or "add_person" in post or bool(post.get("q", "").strip())


def keep_typed(form, data) -> None:
    """Show `form` (unbound, so not checked yet) with the values posted in `data`."""
    typed = {
        name: field.widget.value_from_datadict(data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    form.initial = {**form.initial, **typed}


def quick_creating(request) -> bool:
    """Was the encounter form posted to open a file from a nickname? Its "New file" button, or
    a nickname left in its box (pressing Enter there) when no search was asked for."""
    if request.method != "POST":
        return False
    post = request.POST
    if QUICK_CREATE in post:
        return True
    return not searching(request) and bool(post.get(QUICK_PREFIX + "-nickname", "").strip())


def posted_persons(user, request, field: str = "persons") -> list[Person]:
    """The people posted back by a record's form, and the one its Add button names."""
    raw = request.POST.getlist(field)
    added = request.POST.get("add_person", "")
    if added and added not in raw:
        raw.append(added)
    return _named_persons(user, raw)


@policy.require(Perm.ADD_ENCOUNTERS)
def encounter_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = _teams(user)
    current = _current_presence(user)
    places = Place.objects.visible_to(user).active()
    themes = Theme.objects.visible_to(user).active()
    visible_people = Person.objects.visible_to(user)
    can_create_person = policy.has_perm(user, Perm.CREATE_PERSONS)
    if QUICK_CREATE in request.POST and not can_create_person:
        raise PermissionDenied
    creating = can_create_person and quick_creating(request)
    finding = creating or searching(request)
    form = EncounterForm(
        request.POST if request.method == "POST" and not finding else None,
        teams=teams,
        places=places,
        themes=themes,
        persons=visible_people,
    )
    quick_form, candidates = QuickPersonForm(prefix=QUICK_PREFIX), []
    if finding:
        keep_typed(form, request.POST)
        named = posted_persons(user, request)
        if creating:
            team = _team_for_new_file(request.POST.get("team", ""), teams, current)
            quick_form, candidates, person = _quick_create(request, team=team)
            if person is not None:
                named.append(person)
        elif "add_person" not in request.POST:
            # A search: the nickname typed for a new file stays in its box.
            quick_form = QuickPersonForm(
                prefix=QUICK_PREFIX,
                initial={"nickname": request.POST.get(QUICK_PREFIX + "-nickname", "")},
            )
        form.initial["persons"] = [p.public_id for p in named]
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            presence = current if current and current.team_id == data["team"].pk else None
            _encounter, created = services.record_encounter(
                by=user,
                team=data["team"],
                client_token=data["client_token"],
                occurred_at=data["occurred_at"],
                kind=data["kind"],
                presence=presence,
                place=data["place"],
                persons=data["persons"],
                counts=form.cells(),
                new_people=data["new_people"],
                themes=data["themes"],
                note=data["note"],
                follow_up_needed=data["follow_up_needed"],
            )
            if created:
                messages.success(request, _("Encounter recorded."))
            else:
                messages.info(request, _("This encounter was already recorded."))
            return redirect(reverse("outreach:encounter_new") + "?saved=1")
        named = list(form.cleaned_data.get("persons") or [])
    else:
        named = _named_persons(user, request.GET.getlist("person"))
        place = None
        if current is not None:
            place = current.places.order_by("name").first()
        if place is None:
            last = Encounter.objects.visible_to(user).filter(created_by=user, place__isnull=False)
            last = last.select_related("place").order_by("-occurred_at").first()
            place = last.place if last else None
        team = current.team if current else teams.first()
        form.initial = {
            "client_token": new_token(),
            "team": team.public_id if team else None,
            "place": place.public_id if place else None,
            "kind": Encounter.Kind.STREET,
            "persons": [p.public_id for p in named],
        }
    search, results, query = _search(request, visible_people, request.POST if finding else None)
    return render(
        request,
        "outreach/encounter_form.html",
        {
            "form": form,
            "current": current,
            "named": named,
            "search": search,
            "results": results,
            "searched": query,
            "chosen_ids": [str(p.public_id) for p in named],
            "can_create_person": can_create_person,
            "quick_form": quick_form,
            "candidates": candidates,
        },
    )


def _team_for_new_file(raw: str, teams, current: Presence | None) -> Team | None:
    """The team that opens a file created from the encounter form: the encounter's team as
    typed, else the team of the presence under way, else the user's first team."""
    chosen = next((team for team in teams if str(team.public_id) == raw), None)
    if chosen is None and current is not None:
        chosen = current.team
    return chosen or next(iter(teams), None)


def _quick_create(request, *, team: Team | None) -> tuple[QuickPersonForm, list, Person | None]:
    """Open a file from the nickname typed in the encounter form, once the people it may
    already be have been shown. Returns (form, candidates, person created or None).

    "None of these" answers for the files shown then (posted back as `seen`): a file that has
    appeared since (a second tap, a page reloaded after the file was created) is shown in turn
    rather than a duplicate opened."""
    user = request.user
    form = QuickPersonForm(request.POST, prefix=QUICK_PREFIX)
    if not form.is_valid():
        return form, [], None
    nickname = form.cleaned_data["nickname"]
    candidates = people_services.find_candidates(by=user, data={"nickname": nickname})
    unseen = {candidate.person.public_id for candidate in candidates} - form.cleaned_data["seen"]
    if candidates and (unseen or not form.cleaned_data["confirm_new"]):
        # Unticked: "None of these" must answer for the files shown now.
        return (
            QuickPersonForm(prefix=QUICK_PREFIX, initial={"nickname": nickname}),
            candidates,
            None,
        )
    if (
        team is None
        or not policy.teams_for_follow_up(user, Team.objects.filter(pk=team.pk)).exists()
    ):
        form.add_error(None, _("You are in no team that can open a file."))
        return form, [], None
    person = people_services.create_person(by=user, team=team, data={"nickname": nickname})
    messages.success(request, _("File created from the nickname."))
    return QuickPersonForm(prefix=QUICK_PREFIX), [], person


@policy.require(Perm.ADD_ENCOUNTERS)
def passage_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = _teams(user)
    visible_people = Person.objects.visible_to(user)
    places = Place.objects.visible_to(user).active()
    finding = searching(request)
    form = PassageForm(
        request.POST if request.method == "POST" and not finding else None,
        teams=teams,
        persons=visible_people,
        places=places,
    )
    if finding:
        # A search or a choice: nothing is saved, everything typed comes back as it was.
        keep_typed(form, request.POST)
        chosen = _passage_person(user, request.POST)
        form.initial["person"] = chosen.public_id if chosen else None
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _passage, created = services.record_passage(
                by=user,
                team=data["team"],
                client_token=data["client_token"],
                occurred_at=data["occurred_at"],
                person=data["person"],
                age_band=data["age_band"],
                gender=data["gender"],
                services=data["services"],
                place=data.get("place"),
            )
            if created:
                messages.success(request, _("Visit recorded."))
            else:
                messages.info(request, _("This visit was already recorded."))
            return redirect("outreach:passage_new")
        chosen = form.cleaned_data.get("person")
    else:
        named = _named_persons(user, request.GET.getlist("person"))
        chosen = named[0] if named else None
        team = teams.first()
        # The drop-in is usually held at the same place: propose the last one used.
        last = Passage.objects.visible_to(user).filter(created_by=user, place__isnull=False)
        last = last.select_related("place").order_by("-occurred_at").first()
        form.initial = {
            "client_token": new_token(),
            "team": team.public_id if team else None,
            "person": chosen.public_id if chosen else None,
            "place": last.place.public_id if last else None,
        }
    search, results, query = _search(request, visible_people, request.POST if finding else None)
    return render(
        request,
        "outreach/passage_form.html",
        {"form": form, "chosen": chosen, "search": search, "results": results, "searched": query},
    )


def _passage_person(user, post) -> Person | None:
    """The person of a drop-in visit posted back by a search: the one its Choose button names,
    else the one already chosen, among the people the user sees."""
    named = _named_persons(user, [post.get("add_person") or post.get("person", "")])
    return named[0] if named else None
