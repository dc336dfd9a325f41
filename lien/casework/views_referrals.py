"""Referrals to partners, the consents they rely on, and the person's circle."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.casework import choices
from lien.casework import services_referrals as services
from lien.casework.forms_referrals import (
    CircleMemberForm,
    ConsentForm,
    ReferralAnswerForm,
    ReferralForm,
)
from lien.casework.models import CircleMember, Consent, Referral
from lien.core.versioning import save_versioned
from lien.people import services as people_services
from lien.people.models import Person


def _person_or_404(request, public_id: UUID) -> Person:
    """The file new referrals, consents and circle entries go to: never a merged one."""
    return policy.get_or_404(
        Person.objects.visible_to(request.user).not_merged(), public_id=public_id
    )


def _back_to(person: Person):
    return redirect("people:person_detail", public_id=person.public_id)


def _add_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@policy.require(Perm.MANAGE_REFERRALS)
def referral_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = ReferralForm(
        request.POST or None,
        partners=choices.partners(request.user),
        may_override=policy.has_perm(request.user, Perm.OVERRIDE_CONSENT),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refer(
                by=request.user,
                person=person,
                partner=data["partner"],
                reason=data["reason"],
                referred_on=data["referred_on"],
                accompanied=data["accompanied"],
                consent_now=data["consent_now"],
                override_reason=data.get("override_reason") or "",
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Referral recorded."))
            return _back_to(person)
    return render(request, "casework/referral_form.html", {"form": form, "person": person})


@policy.require(Perm.MANAGE_REFERRALS)
def referral_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    referral = policy.get_or_404(
        Referral.objects.visible_to(request.user).select_related("person", "partner"),
        public_id=public_id,
    )
    if request.method == "GET":
        people_services.record_file_read(by=request.user, person=referral.person)
    form = ReferralAnswerForm(request.POST or None, instance=referral)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.answer_referral(
            by=request.user,
            referral=Referral.objects.get(pk=referral.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return _back_to(referral.person)
    return render(
        request,
        "casework/referral_answer.html",
        {"form": form, "referral": referral, "person": referral.person, "conflict": conflict},
        status=409 if conflict else 200,
    )


@policy.require(Perm.MANAGE_REFERRALS)
def consent_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = ConsentForm(request.POST or None, partners=choices.partners(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_consent(
            by=request.user,
            person=person,
            scope=data["scope"],
            partner=data.get("partner"),
            given_on=data["given_on"],
            note=data.get("note") or "",
        )
        messages.success(request, _("Consent recorded."))
        return _back_to(person)
    return render(request, "casework/consent_form.html", {"form": form, "person": person})


@require_POST
@policy.require(Perm.MANAGE_REFERRALS)
def consent_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    consent = policy.get_or_404(
        Consent.objects.visible_to(request.user).select_related("person"), public_id=public_id
    )
    try:
        services.withdraw_consent(by=request.user, consent=consent, on=timezone.localdate())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Consent withdrawn from today."))
    return _back_to(consent.person)


@policy.require(Perm.MANAGE_CIRCLE)
def circle_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = CircleMemberForm(
        request.POST or None,
        partners=choices.partners(request.user),
        colleagues=choices.colleagues(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.add_to_circle(by=request.user, person=person, data=form.service_data())
        messages.success(request, _("Added to the circle."))
        return _back_to(person)
    return render(
        request, "casework/circle_form.html", {"form": form, "person": person, "new": True}
    )


@policy.require(Perm.MANAGE_CIRCLE)
def circle_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = policy.get_or_404(
        CircleMember.objects.visible_to(request.user).select_related("person", "colleague"),
        public_id=public_id,
    )
    if request.method == "GET":
        people_services.record_file_read(by=request.user, person=member.person)
    form = CircleMemberForm(
        request.POST or None,
        instance=member,
        partners=choices.partners(request.user, member),
        colleagues=choices.colleagues(request.user, member.colleague_id),
    )
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_circle_member(
            by=request.user,
            member=CircleMember.objects.get(pk=member.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return _back_to(member.person)
    return render(
        request,
        "casework/circle_form.html",
        {"form": form, "person": member.person, "member": member, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_CIRCLE)
def circle_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = policy.get_or_404(
        CircleMember.objects.visible_to(request.user).select_related("person"),
        public_id=public_id,
    )
    services.archive_circle_member(by=request.user, member=member)
    messages.success(request, _("Removed from the circle."))
    return _back_to(member.person)
