"""The agenda (a day, a week), appointments, and the calendar link with its feed."""

import datetime
from collections import defaultdict
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.casework import calendar_feed
from lien.casework import services_appointments as services
from lien.casework.forms_appointments import AppointmentForm, AppointmentStatusForm
from lien.casework.models import Appointment, CalendarFeedToken
from lien.core.versioning import EditConflict, keep_typed_values
from lien.partners.models import Partner
from lien.people import services as people_services
from lien.people.models import Person

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
# A week of one person's agenda holds a few dozen appointments; this only guards the page.
AGENDA_MAX = 500


def _parse_day(raw: str) -> tuple[datetime.date, str]:
    """The day asked for in ?day=YYYY-MM-DD, or today with an explanation."""
    today = timezone.localdate()
    if not raw:
        return today, ""
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, _("This date could not be read (expected YYYY-MM-DD): showing today.")
    if not FIRST_DAY <= day <= LAST_DAY:
        return today, _("Choose a day between 2000 and 2100: showing today.")
    return day, ""


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight in Brussels (it exists every day: clocks change at 2 or 3 a.m.)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _agenda(request: HttpRequest, *, week: bool) -> HttpResponse:
    user = request.user
    day, day_error = _parse_day(request.GET.get("day", ""))
    first = day - datetime.timedelta(days=day.weekday()) if week else day
    span = 7 if week else 1
    start, end = _start_of(first), _start_of(first + datetime.timedelta(days=span))
    people = Person.objects.visible_to(user).values("pk")
    appointments = list(
        Appointment.objects.visible_to(user)
        .active()
        .attended_by(user)
        .overlapping(start, end)
        .select_related("person", "partner")
        .prefetch_related("workers")
        .annotate(
            person_visible=ExpressionWrapper(Q(person_id__in=people), output_field=BooleanField())
        )
        .order_by("starts_at", "pk")[:AGENDA_MAX]
    )
    by_day = defaultdict(list)
    for appointment in appointments:
        local_day = timezone.localtime(appointment.starts_at).date()
        by_day[max(local_day, first)].append(appointment)
    today = timezone.localdate()
    days = [
        {"date": d, "appointments": by_day[d], "is_today": d == today}
        for d in (first + datetime.timedelta(days=n) for n in range(span))
    ]
    step = datetime.timedelta(days=span)
    return render(
        request,
        "casework/agenda.html",
        {
            "week": week,
            "days": days,
            "first": first,
            "last": first + datetime.timedelta(days=span - 1),
            "previous": first - step if first - step >= FIRST_DAY else None,
            "next": first + step if first + step <= LAST_DAY else None,
            "day": day,
            "today": today,
            "day_error": day_error,
            "truncated": len(appointments) == AGENDA_MAX,
            "can_manage": policy.has_perm(user, Perm.MANAGE_APPOINTMENTS),
        },
    )


@policy.require(Perm.VIEW_APPOINTMENTS)
def agenda(request: HttpRequest) -> HttpResponse:
    return _agenda(request, week=True)


@policy.require(Perm.VIEW_APPOINTMENTS)
def agenda_day(request: HttpRequest) -> HttpResponse:
    return _agenda(request, week=False)


def _partners(request, appointment: Appointment | None = None):
    """Active partners, and the appointment's own even if archived since."""
    current = Q(pk=appointment.partner_id) if appointment and appointment.partner_id else Q()
    partners = Partner.objects.visible_to(request.user)
    if current:
        return partners.filter(Q(archived_at__isnull=True) | current).order_by("name", "pk")
    return partners.active().order_by("name", "pk")


def _workers(request, appointment: Appointment | None = None):
    already = appointment.workers.values("pk") if appointment else ()
    return policy.appointment_workers(request.user, User.objects.all(), already=already).order_by(
        "full_name", "pk"
    )


def _back_to(appointment: Appointment) -> str:
    if appointment.person_id:
        return reverse("people:person_detail", args=[appointment.person.public_id])
    day = timezone.localtime(appointment.starts_at).date()
    return f"{reverse('casework:agenda_day')}?day={day.isoformat()}"


def _create(request: HttpRequest, person: Person | None) -> HttpResponse:
    initial = {"workers": [request.user.public_id]}
    day, day_error = _parse_day(request.GET.get("day", ""))
    if request.GET.get("day") and not day_error:
        initial["starts_at"] = _start_of(day) + datetime.timedelta(hours=9)
    form = AppointmentForm(
        request.POST or None,
        initial=initial,
        partners=_partners(request),
        workers=_workers(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.create_appointment(
                by=request.user,
                person=person,
                data=form.service_data(),
                workers=form.cleaned_data["workers"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appointment added."))
            return redirect(_back_to(appointment))
    return render(
        request, "casework/appointment_form.html", {"form": form, "person": person, "new": True}
    )


@policy.require(Perm.MANAGE_APPOINTMENTS)
def appointment_create(request: HttpRequest) -> HttpResponse:
    """A team or partner appointment, from the agenda."""
    return _create(request, None)


@policy.require(Perm.MANAGE_APPOINTMENTS)
def appointment_create_for_person(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = policy.get_or_404(Person.objects.visible_to(request.user), public_id=public_id)
    return _create(request, person)


def _appointment_or_404(request, public_id: UUID) -> Appointment:
    """An appointment the user may open. Attending or having set up a person's appointment is
    not enough: its page names the person and shows the note, so the user must also see the
    person (their teams follow them, or did within the visibility period)."""
    appointment = policy.get_or_404(
        Appointment.objects.visible_to(request.user).active().select_related("person", "partner"),
        public_id=public_id,
    )
    if (
        appointment.person_id
        and not Person.objects.visible_to(request.user).filter(pk=appointment.person_id).exists()
    ):
        raise Http404
    return appointment


@policy.require(Perm.MANAGE_APPOINTMENTS)
def appointment_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    appointment = _appointment_or_404(request, public_id)
    form = AppointmentForm(
        request.POST or None,
        instance=appointment,
        partners=_partners(request, appointment),
        workers=_workers(request, appointment),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment(
                by=request.user,
                appointment=Appointment.objects.get(pk=appointment.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
                workers=form.cleaned_data["workers"],
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_back_to(appointment))
    if appointment.person_id:
        # The page shows the person's name and the note: a read of their file.
        people_services.record_file_read(by=request.user, person=appointment.person)
    return render(
        request,
        "casework/appointment_form.html",
        {
            "form": form,
            "person": appointment.person,
            "appointment": appointment,
            "conflict": conflict,
            "statuses": Appointment.Status.choices,
        },
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_APPOINTMENTS)
def appointment_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    appointment = _appointment_or_404(request, public_id)
    form = AppointmentStatusForm(request.POST)
    if not form.is_valid():
        if "status" in form.errors:
            messages.error(request, _("This status does not exist; nothing was changed."))
        else:
            messages.error(request, _("Nothing was changed: reload the page and try again."))
        return redirect("casework:appointment_edit", public_id=appointment.public_id)
    try:
        services.set_appointment_status(
            by=request.user,
            appointment=appointment,
            status=form.cleaned_data["status"],
            version=form.cleaned_data["version"],
        )
    except EditConflict:
        messages.error(
            request, _("Someone changed this appointment meanwhile; nothing was changed.")
        )
        return redirect("casework:appointment_edit", public_id=appointment.public_id)
    messages.success(
        request,
        _("Appointment marked: %(status)s.") % {"status": appointment.get_status_display()},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _back_to(appointment)
    return redirect(target)


# The calendar link.


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("casework:calendar_feed", args=[token]))


@policy.require(Perm.VIEW_APPOINTMENTS)
def calendar_link(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the secret address of one's calendar; it is shown this once."""
    revealed = ""
    if request.method == "POST":
        _feed, token = services.create_calendar_feed(by=request.user)
        revealed = _feed_url(request, token)
    active = CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    response = render(
        request,
        "casework/calendar_link.html",
        {
            "active": active,
            "revealed": revealed,
            "past_days": calendar_feed.PAST.days,
            "future_days": calendar_feed.FUTURE.days,
        },
    )
    add_never_cache_headers(response)
    return response


@require_POST
@policy.require(Perm.VIEW_APPOINTMENTS)
def calendar_link_revoke(request: HttpRequest) -> HttpResponse:
    if services.revoke_calendar_feed(by=request.user):
        messages.success(request, _("The calendar link is revoked: it no longer works."))
    else:
        messages.info(request, _("You had no active calendar link."))
    return redirect("casework:calendar_link")


@policy.public
@login_not_required
@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar applications: the secret token is the only key."""
    feed = calendar_feed.find_feed(token)
    if feed is None:
        raise Http404
    if not services.claim_calendar_feed_read(feed=feed):
        response = HttpResponse(
            _("Too many requests for this calendar; try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(int(services.FEED_MIN_INTERVAL.total_seconds()))
        return response
    # No session here: the feed speaks the language its owner chose for Lien.
    with translation.override(feed.user.language or None):
        body = calendar_feed.render(
            feed,
            calendar_feed.appointments_for(feed),
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
