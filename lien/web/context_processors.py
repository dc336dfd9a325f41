from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lien.access import policy
from lien.access.policy import Perm

# The modules of the navigation: (url name, label, right needed; None = any member).
MODULES = [
    ("web:today", _("Today"), None),
    ("people:person_list", _("People"), Perm.VIEW_PERSONS),
    ("partners:partner_list", _("Partners"), Perm.VIEW_PARTNERS),
    ("casework:agenda", _("Agenda"), Perm.VIEW_APPOINTMENTS),
    ("outreach:home", _("Street work"), Perm.VIEW_OUTREACH),
    ("teamwork:home", pgettext_lazy("navigation", "Team"), Perm.USE_LIAISON),
    ("projects:project_list", _("Projects"), Perm.VIEW_PROJECTS),
]
# Links of the user's own part of the menu, beside their password and second factor.
ACCOUNT_MODULES = [
    ("casework:calendar_link", _("Calendar link"), Perm.VIEW_APPOINTMENTS),
]
ADMIN_MODULES = [
    ("accounts:user_list", _("Users"), Perm.MANAGE_USERS),
    ("accounts:team_list", _("Teams"), Perm.MANAGE_TEAMS),
    ("casework:pathway_list", _("Pathways"), Perm.MANAGE_PATHWAYS),
    ("customfields:field_list", _("Custom fields"), Perm.MANAGE_CUSTOM_FIELDS),
    ("outreach:territory_list", _("Street-work vocabularies"), Perm.MANAGE_TERRITORIES),
    ("outreach:counter_type_list", _("Daily counters"), Perm.MANAGE_COUNTERS),
    ("audit:event_list", _("Audit trail"), Perm.VIEW_AUDIT),
]


def _links(request, modules):
    path = request.path
    links = []
    for name, label, perm in modules:
        if perm is None or policy.has_perm(request.user, perm):
            url = reverse(name)
            current = path == url if url == "/" else path.startswith(url)
            links.append({"url": url, "label": label, "current": current})
    return links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not policy.is_member(user):
        return {"demo_mode": settings.DEMO_MODE}
    return {
        "demo_mode": settings.DEMO_MODE,
        "nav_modules": _links(request, MODULES),
        "nav_admin": _links(request, ADMIN_MODULES),
        "can_search_people": policy.has_perm(user, Perm.VIEW_PERSONS),
        "nav_account": _links(request, ACCOUNT_MODULES),
    }
