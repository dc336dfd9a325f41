"""The vocabularies street work starts with (DOMAIN.md §6 and §7), seeded per organisation."""

from decimal import Decimal

from django.db import transaction

from lien.outreach.models import Place, Territory, Theme

# code, French, Dutch, English (DOMAIN.md §7). Organisations edit the labels and add their own.
THEMES = [
    ("housing", "Logement", "Huisvesting", "Housing"),
    ("school", "Scolarité / décrochage", "School / schooluitval", "School / dropping out"),
    ("employment", "Emploi / formation", "Werk / opleiding", "Employment / training"),
    ("health", "Santé", "Gezondheid", "Health"),
    ("mental_health", "Santé mentale", "Geestelijke gezondheid", "Mental health"),
    ("addictions", "Assuétudes", "Verslaving", "Addictions"),
    ("justice", "Justice / police", "Justitie / politie", "Justice / police"),
    ("family", "Famille", "Gezin", "Family"),
    ("money", "Argent / dettes", "Geld / schulden", "Money / debts"),
    ("papers", "Papiers / séjour", "Papieren / verblijf", "Papers / residence"),
    ("leisure", "Loisirs / sport", "Vrije tijd / sport", "Leisure / sport"),
    ("conflicts", "Conflits", "Conflicten", "Conflicts"),
    ("violence", "Violence", "Geweld", "Violence"),
    ("discrimination", "Discrimination", "Discriminatie", "Discrimination"),
    ("citizenship", "Citoyenneté", "Burgerschap", "Citizenship"),
]

# Molenbeek-Saint-Jean neighbourhoods in local usage (DOMAIN.md §6): French, Dutch.
MOLENBEEK_TERRITORIES = [
    ("Centre historique", "Historisch centrum"),
    ("Quartier Maritime", "Maritiemwijk"),
    ("Gare de l'Ouest", "Weststation"),
    ("Heyvaert", "Heyvaert"),
    ("Brunfaut", "Brunfaut"),
    ("Saint-Jean-Baptiste", "Sint-Jan-Baptist"),
    ("Beekkant", "Beekkant"),
    ("Karreveld", "Karreveld"),
    ("Osseghem", "Ossegem"),
    ("Korenbeek", "Korenbeek"),
    ("Scheutbos", "Scheutbos"),
    ("Duchesse de Brabant", "Hertogin van Brabant"),
    ("Étangs Noirs", "Zwarte Vijvers"),
]

# Demo places: name, kind, neighbourhood, approximate coordinates where DOMAIN.md gives them.
MOLENBEEK_PLACES = [
    ("Parc Marie-José", Place.Kind.PARK, "Gare de l'Ouest", None),
    ("Parc Albert", Place.Kind.PARK, "Karreveld", None),
    ("Parc du Scheutbos", Place.Kind.PARK, "Scheutbos", ("50.8592", "4.3124")),
    ("Parc Bonnevie", Place.Kind.PARK, "Centre historique", None),
    ("Parc des Muses", Place.Kind.PARK, "Osseghem", None),
    ("Parc L28", Place.Kind.PARK, "Quartier Maritime", None),
    ("Espace Saint-Rémi", Place.Kind.PARK, "Quartier Maritime", None),
    ("Château du Karreveld", Place.Kind.OTHER, "Karreveld", ("50.8581", "4.3188")),
    ("Place Communale", Place.Kind.SQUARE, "Centre historique", None),
    ("Place Beekkant", Place.Kind.SQUARE, "Beekkant", None),
    ("Chaussée de Gand", Place.Kind.STREET, "Centre historique", None),
    ("Quai des Charbonnages", Place.Kind.STREET, "Centre historique", None),
    ("Gare de l'Ouest / Weststation", Place.Kind.STATION, "Gare de l'Ouest", ("50.8490", "4.3209")),
    ("Métro Beekkant", Place.Kind.STATION, "Beekkant", None),
    ("Métro Comte de Flandre", Place.Kind.STATION, "Centre historique", None),
    ("Métro Étangs Noirs", Place.Kind.STATION, "Étangs Noirs", None),
    ("Métro Osseghem", Place.Kind.STATION, "Osseghem", None),
    (
        "Place de la Duchesse de Brabant",
        Place.Kind.SQUARE,
        "Duchesse de Brabant",
        ("50.8494", "4.3292"),
    ),
]


def seed_vocabulary(*, organisation) -> int:
    """Give `organisation` the street-work themes it lacks (by code; labels it edited stay).
    Idempotent: call it for a new organisation and again after THEMES grows. Returns how many
    themes were added."""
    existing = set(Theme.objects.filter(organisation=organisation).values_list("code", flat=True))
    missing = [
        Theme(
            organisation=organisation,
            code=code,
            label_fr=fr,
            label_nl=nl,
            label_en=en,
            position=position,
        )
        for position, (code, fr, nl, en) in enumerate(THEMES)
        if code not in existing
    ]
    Theme.objects.bulk_create(missing)
    return len(missing)


def seed_molenbeek(*, organisation) -> None:
    """The Molenbeek neighbourhoods and demo places, for a demo organisation (idempotent)."""
    with transaction.atomic():
        territories = {}
        for name_fr, name_nl in MOLENBEEK_TERRITORIES:
            territories[name_fr], _ = Territory.objects.get_or_create(
                organisation=organisation, name_fr=name_fr, defaults={"name_nl": name_nl}
            )
        for name, kind, territory, coordinates in MOLENBEEK_PLACES:
            latitude, longitude = (Decimal(c) for c in coordinates) if coordinates else (None, None)
            Place.objects.get_or_create(
                organisation=organisation,
                territory=territories[territory],
                name=name,
                defaults={"kind": kind, "latitude": latitude, "longitude": longitude},
            )
