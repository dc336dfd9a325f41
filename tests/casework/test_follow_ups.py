import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from lien.audit.models import AuditEvent
from lien.casework import services_followups
from lien.casework.models import FollowUp
from lien.casework.models.follow_up import FollowUpQuerySet


def test_two_simultaneous_openings_give_the_message_not_a_500(
    social_worker, team, person, monkeypatch
):
    """The second request passed the check before the first one's follow-up was written: the
    database's unique constraint refuses it, and the user gets the same sentence."""
    assert person.follow_ups.open().filter(team=team).exists()  # the first request's
    opened = AuditEvent.objects.filter(action="follow_up.opened").count()
    monkeypatch.setattr(FollowUpQuerySet, "exists", lambda self: False)  # the check is passed
    with translation.override("en"), transaction.atomic():  # the request's transaction
        with pytest.raises(ValidationError) as refused:
            services_followups.open_follow_up(
                by=social_worker, person=person, team=team, on=timezone.localdate()
            )
        # The request can still answer: its transaction is not broken.
        assert FollowUp.objects.filter(person=person, team=team).count() == 1
    assert refused.value.messages == ["This team already follows this person."]
    assert AuditEvent.objects.filter(action="follow_up.opened").count() == opened
