"""Casework models, one module per concept; import them from here."""

from lien.casework.models.appointment import Appointment, AppointmentQuerySet, CalendarFeedToken
from lien.casework.models.document import Document, DocumentContent, DocumentQuerySet
from lien.casework.models.follow_up import FollowUp, FollowUpQuerySet
from lien.casework.models.journal import JournalEntry, JournalEntryQuerySet
from lien.casework.models.pathway import PathwayStep, PathwayTemplate, PathwayTemplateQuerySet
from lien.casework.models.procedure import Procedure, ProcedureQuerySet
from lien.casework.models.referral import (
    CircleMember,
    CircleMemberQuerySet,
    Consent,
    ConsentQuerySet,
    Referral,
    ReferralQuerySet,
)

__all__ = [
    "Appointment",
    "AppointmentQuerySet",
    "CalendarFeedToken",
    "CircleMember",
    "CircleMemberQuerySet",
    "Consent",
    "ConsentQuerySet",
    "Document",
    "DocumentContent",
    "DocumentQuerySet",
    "FollowUp",
    "FollowUpQuerySet",
    "JournalEntry",
    "JournalEntryQuerySet",
    "PathwayStep",
    "PathwayTemplate",
    "PathwayTemplateQuerySet",
    "Procedure",
    "ProcedureQuerySet",
    "Referral",
    "ReferralQuerySet",
]
