import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit import history
from lien.audit.forms import AuditFilterForm
from lien.audit.models import AuditEvent
from lien.audit.services import ACTIONS, record

PAGE_SIZE = 50


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class TrailPage:
    """A page of the trail, newest first. `newer` and `older` are the public ids of the events
    at its two ends when there are events beyond them: the links carry them as cursors. A
    public id tells nothing (unlike an integer key, which counts every organisation's events),
    and a cursor is looked up among the events the reader sees: another organisation's leads
    to the first page."""

    object_list: list[AuditEvent]
    newer: uuid.UUID | None = None
    older: uuid.UUID | None = None
    cursor: bool = False  # True past the first page: the page offers a link back to it


CURSORS = ("before", "after")  # older than / newer than the event with this public id


def _cursor(request) -> tuple[str, uuid.UUID] | None:
    """The page's direction and boundary event, or None (the first page) for anything but
    exactly one well-formed cursor."""
    given = [name for name in CURSORS if name in request.GET]
    if len(given) != 1:
        return None
    try:
        return given[0], uuid.UUID(request.GET[given[0]])
    except ValueError:
        return None


def _page(request, events) -> TrailPage:
    """Keyset pages over (occurred_at, pk), which the (organisation, time, id) index serves:
    no count, no offset, the same few queries on the first page and the thousandth; an event
    recorded while someone pages neither shifts nor repeats the ones they see."""
    cursor = _cursor(request)
    boundary = None
    if cursor is not None:
        # No ORDER BY: with one, PostgreSQL may walk the time index looking for the id.
        lookup = events.filter(public_id=cursor[1]).order_by().values_list("occurred_at", "pk")
        boundary = next(iter(lookup[:1]), None)
    # The trail names fields only: the values a change replaced are not read (nor decrypted).
    rows = events.select_related("actor").defer("previous")
    if boundary is None:
        rows = rows.order_by("-occurred_at", "-pk")
    elif cursor[0] == "before":
        when, pk = boundary
        # The plain bound on the time is the index's range; the OR only sorts out equal times.
        rows = rows.filter(occurred_at__lte=when).filter(Q(occurred_at__lt=when) | Q(pk__lt=pk))
        rows = rows.order_by("-occurred_at", "-pk")
    else:
        when, pk = boundary
        rows = rows.filter(occurred_at__gte=when).filter(Q(occurred_at__gt=when) | Q(pk__gt=pk))
        rows = rows.order_by("occurred_at", "pk")
    found = list(rows[: PAGE_SIZE + 1])  # one more than shown: is there a page beyond?
    beyond = len(found) > PAGE_SIZE
    shown = found[:PAGE_SIZE]
    if boundary is None:
        page = TrailPage(shown, older=shown[-1].public_id if beyond else None)
    elif cursor[0] == "before":
        newer = shown[0].public_id if shown else None
        page = TrailPage(shown, newer, shown[-1].public_id if beyond else None, cursor=True)
    else:
        shown.reverse()
        older = shown[-1].public_id if shown else None
        page = TrailPage(shown, shown[0].public_id if beyond else None, older, cursor=True)
    for event in page.object_list:
        event.label = ACTIONS.get(event.action, event.action)
    return page


@policy.require(Perm.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.visible_to(request.user)
    actors = User.objects.filter(organisation_id=request.user.organisation_id).order_by(
        "full_name", "pk"
    )
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor__public_id=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(occurred_at__gte=_local_midnight(data["date_from"]))
        if data["date_to"]:
            end = _local_midnight(data["date_to"] + timedelta(days=1))
            events = events.filter(occurred_at__lt=end)
    page = _page(request, events)
    record(action="audit.viewed", actor=request.user, object_type="audit.auditevent")
    # The links keep the filters, and only them.
    query = QueryDict(mutable=True)
    for name in AuditFilterForm.base_fields:
        if name in request.GET:
            query[name] = request.GET[name]
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "actors": actors.values_list("public_id", "full_name"),
            "selected_actor": str(form.cleaned_data.get("actor") or "") if form.is_bound else "",
        },
    )


@policy.require(Perm.VIEW_AUDIT)
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = AuditEvent.objects.visible_to(request.user).for_object(object_type, object_id)
    if not events.exists():
        # Nothing of this organisation's: the object is another's, or does not exist.
        raise Http404
    page = _page(request, events)
    record(
        action="audit.viewed",
        actor=request.user,
        object_type=object_type[:64],
        object_id=object_id[:64],
    )
    return render(
        request,
        "audit/object_history.html",
        {"page": page, "object_type": object_type, "object_id": object_id, "query": ""},
    )


@policy.require(None)
def record_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """A record's changes and the values they replaced, for those who see the record: each
    value only when the reader may read that field today. Reading it is audited."""
    kind = history.KINDS.get(object_type)
    if kind is None:
        raise Http404
    obj = policy.get_or_404(kind.visible(request.user), public_id=object_id)
    if kind.readable is not None and not kind.readable(request.user, obj):
        raise PermissionDenied
    reads = Q()
    for suffix in history.READ_SUFFIXES:
        reads |= Q(action__endswith=suffix)
    events = (
        policy.record_changes_visible_to(request.user, AuditEvent.objects.all(), obj)
        .for_object(object_type, obj.public_id)
        .exclude(reads)
    )
    paginator = Paginator(events.select_related("actor"), PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    record(action="history.viewed", actor=request.user, obj=obj)
    return render(
        request,
        "audit/record_history.html",
        {
            "page": page,
            "changes": history.changes(
                request.user, history.rules_for(object_type), page.object_list, ACTIONS
            ),
            "title": kind.title(request.user, obj),
            "back": kind.url(obj) if kind.url else "",
            "query": "",
        },
    )
