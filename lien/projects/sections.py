"""The "Collective projects" section of a person's file (registered in ProjectsConfig.ready)."""

from django.db.models import Count, Max, Q

from lien.access import policy
from lien.access.policy import Perm
from lien.projects.models import CollectiveProject

PROJECTS_ON_FILE = 10


def project_section(user, person) -> dict:
    """The projects of the user's teams in which the person took part (named participation is
    shown to those who manage projects only)."""
    if not policy.has_perm(user, Perm.MANAGE_PROJECTS):
        return {"projects_section": False}
    projects = (
        CollectiveProject.objects.visible_to(user)
        .active()
        .filter(activities__participations__person=person)
        .annotate(
            times_attended=Count(
                "activities__participations",
                filter=Q(
                    activities__participations__person=person,
                    activities__participations__attended=True,
                    activities__archived_at__isnull=True,
                ),
            ),
            last_activity=Max("activities__date"),
        )
        .order_by("-last_activity", "pk")[:PROJECTS_ON_FILE]
    )
    return {"projects_section": True, "person_projects": list(projects)}
