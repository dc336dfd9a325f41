from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
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


def _page(request, events):
    # Keyset pagination would be faster at depth; pages past the first few are rare and the
    # (organisation, time) index keeps OFFSET cheap for them.
    # The trail names fields only: the values a change replaced are not read (nor decrypted).
    events = events.select_related("actor").defer("previous")
    paginator = Paginator(events, PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
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
    query = request.GET.copy()
    query.pop("page", None)
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
        {"page": page, "object_type": object_type, "object_id": object_id},
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
