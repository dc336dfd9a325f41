"""Street-work models, one module per concept; import them from here."""

from lien.outreach.models.counter import (
    CounterType,
    CounterTypeQuerySet,
    DailyCount,
    DailyCountQuerySet,
)
from lien.outreach.models.encounter import (
    AnonymousCount,
    Encounter,
    EncounterQuerySet,
    Passage,
    PassageQuerySet,
)
from lien.outreach.models.mediation import Mediation, MediationQuerySet
from lien.outreach.models.observation import Observation, ObservationQuerySet
from lien.outreach.models.presence import Presence, PresenceQuerySet
from lien.outreach.models.territory import Place, PlaceQuerySet, Territory, TerritoryQuerySet
from lien.outreach.models.theme import Theme, ThemeQuerySet

__all__ = [
    "AnonymousCount",
    "CounterType",
    "CounterTypeQuerySet",
    "DailyCount",
    "DailyCountQuerySet",
    "Encounter",
    "EncounterQuerySet",
    "Mediation",
    "MediationQuerySet",
    "Observation",
    "ObservationQuerySet",
    "Passage",
    "PassageQuerySet",
    "Place",
    "PlaceQuerySet",
    "Presence",
    "PresenceQuerySet",
    "Territory",
    "TerritoryQuerySet",
    "Theme",
    "ThemeQuerySet",
]
