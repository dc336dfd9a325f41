"""What casework forms offer to choose from: partners and colleagues of the user's
organisation, keeping the one a record already names even once archived or deactivated
(an edit must not fail because a partner left the directory or a colleague left)."""

from django.db.models import Q

from lien.accounts.models import User
from lien.partners.models import Partner


def partners(user, current=None):
    visible = Partner.objects.visible_to(user)
    keep = Q(pk=current.partner_id) if current is not None and current.partner_id else Q()
    return visible.filter(Q(archived_at__isnull=True) | keep).order_by("name")


def colleagues(user, current_id=None):
    keep = Q(pk=current_id) if current_id else Q(pk__in=[])
    return User.objects.filter(Q(is_active=True) | keep, organisation_id=user.organisation_id)
