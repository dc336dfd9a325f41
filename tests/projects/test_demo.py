from django.core.management import call_command

from lien.accounts.models import Organisation
from lien.projects.models import Activity, AnonymousParticipants, CollectiveProject, Participation


def test_the_street_work_demo_gets_its_wednesday_football_once(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")
    project = CollectiveProject.objects.get()
    assert project.title == "Foot du mercredi"
    assert project.organisation.kind == Organisation.Kind.STREET_WORK
    assert Activity.objects.filter(project=project).count() == 3
    assert Participation.objects.filter(attended=True).count() == 5
    assert AnonymousParticipants.objects.filter(count__gt=0).count() == 8
