"""Possible duplicates among people: name normalisation, search keys and a pair score.

Pure Python, standard library only: no Django, no database. It follows the pipeline of
DOMAIN.md §9 (and §5 for the NISS):

1. `normalise`: NFKC, case-fold, invisible characters out (zero-width, soft hyphen), Romanian
   cedilla ş/ţ mapped to comma ș/ț, háček letters and Cyrillic spelled the Bulgarian way
   (š -> sh, ž -> zh, щ -> sht), other diacritics stripped, punctuation and hyphens to spaces.
2. `tokens`: words of a name field, detached particles stripped (El, Al, Ben, Ait, Ould, Van,
   De...), pieces of an *abd* compound joined (Abd El Kader -> abdelkader).
3. `variant_key`: one key per word. The variant dictionary (`variants.VARIANTS`, data) maps
   known spellings to one key (Muhammad, Mehmet -> the key of Mohamed); otherwise a phonetic
   reduction for FR/NL/Arabic/Romanian/Bulgarian transliterations: ou/oe -> u (w before a vowel
   at the start: Oualid), ch/sh/sj/sch/tch -> x, dj/zh/j -> j, kh -> h, ph -> f, ts -> c, soft
   c -> s, c/q -> k, z -> s, y -> i (j before a vowel at the start), double letters single,
   final e after a consonant and final h after a vowel dropped.
   `search_keys` gives all keys of a person's names, to store for indexed search.
4. `score`: name words of both records (first and last names pooled, so swapped fields and
   the Congolese nom / post-nom / prénom in any order still match; nicknames and other names
   as extras that count only when they agree) are aligned greedily on the similarity of their
   keys, a word also against two neighbours of one field written as one (Fatimazahra /
   Fatima Zahra). Similarity: difflib ratio, raised to 0.88 when the consonant skeletons
   agree, lowered when the only difference is a feminine ending (Karim / Karima, Ivanov /
   Ivanova, Pascal / Pascale). Frequent names and short words weigh less. The birth date
   then scales the name score, and the NISS decides.

Score = name evidence × birth-date factor × NISS factor, in [0, 1], exactly symmetric.

- Name evidence: 0.7 × weighted Dice + 0.3 × overlap (share of the shorter name found), or
  the Dice alone when a single word agrees. When a side has no first or last name, only a
  nickname: 0.85 × overlap. No name on a side: 0, whatever the birth dates say.
- Birth date: same date 1.0; day and month swapped 0.97; one side unknown 0.9; same year
  (year only, or a 01-01 placeholder) 0.94; same year other date 0.8-0.86; one year apart 0.91
  when one side is a year only, else 0.82 (0.95 same day and month); two years 0.65; three or
  four 0.5; five or more 0.35 (0.85 if the day and month agree and the years differ by one
  typed digit).
- NISS (11 digits after stripping dots, dashes and spaces): the same valid number returns 1.0
  whatever the names. The same number with a wrong checksum: at least 0.9. Two different
  numbers that both pass the checksum: × 0.3 (different people). One NN and one BIS number:
  no effect, a person often has a BIS number before a national number. Different numbers with
  a checksum error on a side: × 0.95 when one digit differs or two neighbours are swapped
  (typo), else × 0.6.

A pair at or above `THRESHOLD` is shown as a likely duplicate. Nothing here merges anything:
a person decides (§9 step 7).

Examples (computed by the tests from this module; last names in capitals; «nickname»):

| a                                  | b                                   | score  |
|------------------------------------|-------------------------------------|--------|
| Mohammed EL AMRANI                 | Muhammad ELAMRANI                   | 0.90   |
| Mehmet YILMAZ                      | Mohamed YILMAZ                      | 0.90   |
| Ahmed AL-AMRANI                    | Achmed EL AMRANI                    | 0.90   |
| Hussein AÏT AHMED                  | Husayn AIT-AHMED                    | 0.90   |
| Abdel Kader RIFI                   | Abdelkader RIFI                     | 0.90   |
| Karim EL AMRANI                    | Karim AMRANI                        | 0.82   |
| Jean MBUYI KALALA                  | Jean Mbuyi KALALA                   | 0.90   |
| Jean MBUYI KALALA                  | Jean MBUYI                          | 0.72   |
| Fatima Zahra EL IDRISSI            | Fatimazahra IDRISSI                 | 0.83   |
| Ştefan ŢURCANU                     | Stefan TURCANU                      | 0.90   |
| Zoé LEFÈVRE                        | zoe LEFEVRE                         | 0.90   |
| Todor ZHIVKOV                      | Todor ŽIVKOV                        | 0.90   |
| Elena TSVETKOVA                    | Elena CVETKOVA                      | 0.90   |
| Ivan STANCHOV                      | Ivan STANCIOFF                      | 0.90   |
| «Momo»                             | «momo»                              | 0.77   |
| «Momo»                             | Mohamed EL AMRANI «Momo»            | 0.77   |
| «Momo»                             | Momo EL AMRANI                      | 0.77   |
| Karim OUALI, 1990-03-07            | Karim OUALI, 1990-03-07             | 1.00   |
| Karim OUALI, 1990-03-07            | Karim OUALI, 1990-07-03             | 0.97   |
| Karim OUALI, 1990-01-01            | Karim OUALI, 1990-06-15             | 0.94   |
| Karim OUALI, 1990                  | Karim OUALI, 1991                   | 0.91   |
| Karim OUALI, 1990                  | Karim OUALI, 1992                   | 0.65   |
| Karim OUALI, 1985                  | Karim OUALI, 1995                   | 0.35   |
| Karim OUALI, NISS 85.07.30-033.28  | Jan PEETERS, NISS 85073003328       | 1.00   |
| Karim OUALI, NISS 85.07.30-033.28  | Karim OUALI, NISS 85073003329       | 0.85   |
| Karim OUALI, NISS 85.07.30-033.28  | Karim OUALI, NISS 90020199704       | 0.27   |
| Karim OUAHMED                      | Karim AÏT AHMED                     | 0.71   |
| Benjamin DUPONT                    | Jamin DUPONT                        | 0.76   |
| Mohamed                            | Mohamed EL AMRANI                   | 0.60   |
| Mohamed BENALI                     | Mohamed HADDAD                      | 0.45   |
| Sara PEETERS                       | Lotte PEETERS                       | 0.53   |
| Karim OUALI                        | Karima OUALI                        | 0.45   |
| Hassan BENNANI                     | Hussein BENNANI                     | 0.39   |
| «Momo»                             | Mohamed EL AMRANI                   | 0.00   |
| 1990-03-07                         | Mohamed EL AMRANI, 1990-03-07       | 0.00   |
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from lien.people import niss
from lien.people.variants import (
    ABD_PREFIXES,
    COMMON_NAMES,
    INFERABLE_PARTICLES,
    PARTICLES,
    VARIANTS,
)

__all__ = ["THRESHOLD", "normalise", "score", "search_keys", "tokens", "variant_key"]

THRESHOLD = 0.7

# Caps keep hostile or pasted input cheap: a name field never needs more.
_MAX_FIELD_CHARS = 256
_MAX_WORDS_PER_FIELD = 8
_MAX_WORD_CHARS = 32
_MAX_WORDS_PER_RECORD = 12

# --- Step 1: normalisation ------------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "ы": "y", "э": "e",
    "ё": "yo", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_LETTERS = str.maketrans(
    {
        **_CYRILLIC,
        "ş": "ș",  # Romanian legacy cedilla -> comma below (DOMAIN.md §9)
        "ţ": "ț",
        "š": "sh",
        "č": "ch",
        "ž": "zh",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
    }
)
_TAG = re.compile(r"<[^<>]{0,200}>")
_APOSTROPHES = "'’ʼ‘`ʻʿʾ′´"
_ELISION = re.compile(rf"\b([ld])[{_APOSTROPHES}]")
_APOSTROPHE = re.compile(rf"[{_APOSTROPHES}]")


def _text(value: Any) -> str:
    """Whatever a caller passes (None, int, bytes, odd objects) as a string, never raising."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "ignore")
    try:
        return str(value)
    except Exception:
        return ""


def normalise(text: Any) -> str:
    """Lower-case ASCII-ish words separated by single spaces (letters of other scripts kept).

    >>> normalise("  Ștefan ŢURCANU-Zoé\\u200b ")
    'stefan turcanu zoe'
    """
    text = unicodedata.normalize("NFKC", _text(text))
    text = _TAG.sub(" ", text)
    chars = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":  # zero-width space and joiners, soft hyphen, BOM, bidi marks
            continue
        chars.append(" " if category in ("Cc", "Zl", "Zp") else ch)
    text = "".join(chars).casefold().translate(_LETTERS)
    text = _APOSTROPHE.sub("", _ELISION.sub(r"\1 ", text))
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


# --- Step 2: tokens -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    particles: tuple[str, ...]  # detached particles in front of the word ("el", "van", "den")
    word: str  # normalised word, abd compounds joined


def _pieces(text: Any) -> list[_Piece]:
    words = []
    for word in normalise(_text(text)[:_MAX_FIELD_CHARS]).split()[:_MAX_WORDS_PER_FIELD]:
        word = "".join(ch for ch in word if not ch.isdigit())[:_MAX_WORD_CHARS]
        if word:
            words.append(word)
    pieces, pending, i = [], [], 0
    while i < len(words):
        word = words[i]
        i += 1
        if word in ABD_PREFIXES and i < len(words):
            # "abd el kader", "abdel kader" -> "abdelkader"
            while i < len(words) and words[i] in PARTICLES:
                word += words[i]
                i += 1
            if i < len(words):
                word += words[i]
                i += 1
        elif word in PARTICLES and i < len(words):
            pending.append(word)
            continue
        pieces.append(_Piece(tuple(pending), word))
        pending = []
    return pieces


def tokens(text: Any) -> list[str]:
    """The name words of a field, detached particles stripped, abd compounds joined.

    Particles glued to a word stay (elamrani, benali): many first names start like one
    (Elodie, Benjamin). `score` and `search_keys` also try such words without the particle.

    >>> tokens("Abd El Kader El-Amrani")
    ['abdelkader', 'amrani']
    """
    return [piece.word for piece in _pieces(text)]


def _glued_particle(word: str) -> tuple[str, str] | None:
    for particle in INFERABLE_PARTICLES:
        if word.startswith(particle) and len(word) - len(particle) >= 4:
            return particle, word[len(particle) :]
    return None


# --- Step 3: keys ---------------------------------------------------------------------------

_PHONETIC_RULES = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"x", "ks"),
        (r"ij", "i"),  # Dutch: Wijns / Wyns
        (r"^ch(?=[rl])", "k"),  # Christophe, Chloé
        (r"t?sch|tch|tsh|ch|sh|sj|cz", "x"),  # FR ch = EN sh = NL sj; Tshibangu / Tchibangu
        (r"ci(?=[aou])", "x"),  # Stancioff = Stanchov, Romanian Ciobanu
        (r"dzh|dj|zh", "j"),  # Djamila / Jamila, Zhivkov / Živkov
        (r"^y(?=[aeiou])", "j"),  # Yordanov / Jordanov, Youssef / Jusuf
        (r"y", "i"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"ts(?!$)|tz", "c"),  # Tsvetkova / Cvetkova
        (r"c(?=[eiy])", "s"),  # Youcef / Youssef
        (r"ck|c|qu|q", "k"),
        (r"^ou(?=[aei])", "w"),  # Oualid / Walid
        (r"ou|oe(?!$)", "u"),  # Youssef / Yusuf, Dutch oe
        (r"ae", "a"),  # Claes / Claas
        (r"ai", "ei"),  # Hussain / Hussein
        (r"z", "s"),
        (r"(.)\1+", r"\1"),  # double letters
        (r"(?<=[a-z])(?:of|ow)$", "ov"),  # Stancioff, Iwanow
        (r"(?<=[^aeiou])e$", ""),  # Karime, Amine, Lefèvre
        (r"(?<=[aeiou])h$", ""),  # Sarah, Fatimah
    )
]
_ABD = re.compile(r"abd(?:el|al|ul|oul|ol|il|ou|e|a|u|o|i)?([a-z]{3,})")
_VOWELS = re.compile(r"[aeiou]")


def _phonetic(word: str) -> str:
    key = "".join(ch for ch in word if ch.isalpha())
    for pattern, replacement in _PHONETIC_RULES:
        key = pattern.sub(replacement, key)
    return key


def _base_key(word: str) -> str:
    match = _ABD.fullmatch(word)
    if match:
        return "abd" + variant_key(match.group(1))
    return _phonetic(word)


def _build_variant_index() -> dict[str, str]:
    """Phonetic form of every known spelling -> the canonical spelling, normalised."""
    index: dict[str, str] = {}
    for canonical, spellings in VARIANTS.items():
        target = normalise(canonical).replace(" ", "")
        for spelling in (canonical, *spellings):
            index.setdefault(_phonetic(normalise(spelling).replace(" ", "")), target)
    return index


_VARIANT_INDEX = _build_variant_index()


def variant_key(token: Any) -> str:
    """A canonical key for one name word: equal keys mean "the same name, spelled otherwise".

    >>> variant_key("Muhammad") == variant_key("Mehmet") == variant_key("mohamed")
    True
    """
    return _variant_key(_text(token)[:_MAX_FIELD_CHARS])


@lru_cache(maxsize=65536)
def _variant_key(text: str) -> str:
    word = normalise(text).replace(" ", "")[: _MAX_WORD_CHARS * 2]
    if not word:
        return ""
    return _base_key(_VARIANT_INDEX.get(_phonetic(word), word))


_KNOWN_NAMES = frozenset(variant_key(name) for name in VARIANTS)
_COMMON_KEYS = frozenset(variant_key(name) for name in COMMON_NAMES)


@dataclass(frozen=True, slots=True)
class _Word:
    raw: str  # the normalised word, for initials
    keys: tuple[tuple[str, float], ...]  # readings of the word and what each costs
    weight: float
    extra: bool  # a nickname or other name: counts only when it agrees
    particle: str = ""  # detached or glued particle; readings costing 1.0 then include it
    field: int = 0  # which field the word came from: only neighbours in one field are joined


def _word(piece: _Piece, *, extra: bool, field: int = 0) -> _Word | None:
    key = variant_key(piece.word)
    if not key:
        return None
    readings: dict[str, float] = {key: 1.0}
    particle = ""

    def add(reading: str, cost: float) -> None:
        if len(reading) >= 2 and readings.get(reading, 0.0) < cost:
            readings[reading] = cost

    if piece.particles:
        particle = "".join(PARTICLES[p] for p in piece.particles)
        readings = {particle + key: 1.0}
        add(key, 0.85)  # El Amrani / Amrani: the article is often dropped
    elif glued := _glued_particle(piece.word):
        particle, rest = PARTICLES[glued[0]], glued[1]
        rest_key = variant_key(rest)
        add(particle + rest_key, 1.0)  # Alamrani = Al Amrani = El Amrani
        add(rest_key, 0.85)
    if abd := _ABD.fullmatch(piece.word):
        add(variant_key(abd.group(1)), 0.8)  # Abdelkader, called Kader
    if len(piece.word) == 1:
        weight = 0.3
    else:
        weight = min(1.0, max(0.4, len(key) / 5))
        if not _COMMON_KEYS.isdisjoint(readings):
            weight *= 0.6
    return _Word(piece.word, tuple(readings.items()), weight, extra, particle, field)


def search_keys(
    first_name: Any = "", last_name: Any = "", nickname: Any = "", other_names: Any = ""
) -> set[str]:
    """Every key of a person's names, to store and look up with an index.

    A search computes the keys of what was typed and looks for people sharing one.

    >>> sorted(search_keys("Muhammad", "Al-Amrani"))
    ['amrani', 'elamrani', 'mohamed']
    """
    keys: set[str] = set()
    for field in (first_name, last_name, nickname, other_names):
        pieces = _pieces(field)
        for piece in pieces:
            word = _word(piece, extra=False)
            if word:
                keys.update(reading for reading, _cost in word.keys)
        for left, right in itertools.pairwise(pieces):  # Fatima Zahra finds Fatimazahra
            keys.add(variant_key(left.word + right.word))
    keys.discard("")
    return keys


# --- Step 4: scoring ------------------------------------------------------------------------


def _feminine_pair(a: str, b: str) -> bool:
    """One word is the other with a feminine ending (a, or a for o)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3:
        return False
    if long == short + "a":
        return True
    return (
        len(short) == len(long) and short[:-1] == long[:-1] and {short[-1], long[-1]} == {"a", "o"}
    )


def _french_feminine_pair(x: _Word, y: _Word) -> bool:
    """Pascal / Pascale, Daniel / Danielle, Jean / Jeanne: the keys agree, the names do not.

    Arabic names ending in -ane (Soufiane, Hassane) and spellings of one dictionary name
    (Amin / Amine) are not feminine forms.
    """
    short, long = (x.raw, y.raw) if len(x.raw) <= len(y.raw) else (y.raw, x.raw)
    arabic_ane = short.endswith("an") and not short.endswith("ean")
    if len(short) < 3 or arabic_ane or long[len(short) :] not in ("e", "le", "ne"):
        return False
    if not long.startswith(short):
        return False
    key_x, key_y = x.keys[0][0], y.keys[0][0]
    return not (key_x == key_y and key_x in _KNOWN_NAMES)


@lru_cache(maxsize=131072)
def _key_similarity(a: str, b: str) -> float:
    """Similarity of two keys, called with a <= b."""
    if a == b:
        return 1.0
    if _feminine_pair(a, b):
        return 0.5  # Karim / Karima, Ivanov / Ivanova, Mario / Maria
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5:
        return matcher.real_quick_ratio()
    ratio = matcher.ratio()
    if a in _KNOWN_NAMES and b in _KNOWN_NAMES:
        return min(ratio, 0.6)  # two different known names: Hassan / Hussein
    if min(len(a), len(b)) >= 4:
        skeleton_a = a[0] + _VOWELS.sub("", a[1:])
        skeleton_b = b[0] + _VOWELS.sub("", b[1:])
        if skeleton_a == skeleton_b and len(skeleton_a) >= 3:
            ratio = max(ratio, 0.88)  # vowels only: Mbuyi / Mboyi, Khalid / Khaled
    return ratio


def _word_similarity(x: _Word, y: _Word) -> float:
    if len(x.raw) == 1 or len(y.raw) == 1:  # an initial: "J. Peeters"
        return 0.8 if x.raw[0] == y.raw[0] else 0.0
    if _french_feminine_pair(x, y):
        return 0.5
    # El Amrani and Ben Amrani share letters, not a family: compare them without particles.
    other_particles = x.particle and y.particle and x.particle != y.particle
    best = 0.0
    for key_x, cost_x in x.keys:
        for key_y, cost_y in y.keys:
            if other_particles and cost_x == cost_y == 1.0:
                continue
            pair = (key_x, key_y) if key_x <= key_y else (key_y, key_x)
            best = max(best, _key_similarity(*pair) * cost_x * cost_y)
    if x.extra != y.extra:
        best *= 0.95  # a nickname equal to the other's first name
    return best


def _agreement(similarity: float) -> float:
    """Below 0.55 two words are unrelated; 0.95 and above they agree fully."""
    return max(0.0, min(1.0, (similarity - 0.55) / 0.4))


@dataclass(frozen=True, slots=True)
class _Record:
    words: tuple[_Word, ...]
    has_names: bool  # a first or last name, not just a nickname
    birth: tuple[int, int | None, int | None] | None
    niss: str | None

    def order_key(self) -> str:
        """Equal only for records the score cannot tell apart."""
        return repr((self.words, self.has_names, self.birth, self.niss))


def _get(record: Any, field: str) -> Any:
    try:
        return record.get(field)
    except Exception:
        return None


_NAME_FIELDS = ("first_name", "last_name", "nickname", "other_names")


def _prepare(record: Any) -> _Record:
    names = (_text(_get(record, field))[:_MAX_FIELD_CHARS] for field in _NAME_FIELDS)
    words = _words(*names)
    has_names = any(not word.extra for word in words)
    return _Record(words, has_names, _parse_birth(_get(record, "birth_date")), _niss(record))


@lru_cache(maxsize=8192)  # a duplicate scan compares each person with many others
def _words(first_name: str, last_name: str, nickname: str, other_names: str) -> tuple[_Word, ...]:
    words: list[_Word] = []
    fields = (first_name, last_name, nickname, other_names)
    for index, text in enumerate(fields):
        for piece in _pieces(text):
            word = _word(piece, extra=index >= 2, field=index)
            if word and len(words) < _MAX_WORDS_PER_RECORD:
                words.append(word)
    return tuple(words)


def _candidates(a: _Record, b: _Record) -> list[tuple[float, tuple[int, ...], tuple[int, ...]]]:
    """Word pairs that agree, best first: one word each, or one word against two neighbouring
    words written as one (Fatimazahra / Fatima Zahra, Jeanpierre / Jean-Pierre)."""
    candidates = []
    for i, x in enumerate(a.words):
        for j, y in enumerate(b.words):
            if agreement := _agreement(_word_similarity(x, y)):
                candidates.append((-agreement, (i,), (j,)))
    for one, two, flip in ((a, b, False), (b, a, True)):
        for i, x in enumerate(one.words):
            for j, (y, z) in enumerate(itertools.pairwise(two.words)):
                if y.field != z.field:
                    continue
                joined = _Word(y.raw + z.raw, ((variant_key(y.raw + z.raw), 1.0),), 0.0, y.extra)
                if agreement := _agreement(_word_similarity(x, joined)):
                    pair = ((j, j + 1), (i,)) if flip else ((i,), (j, j + 1))
                    candidates.append((-agreement, *pair))
    candidates.sort()
    return candidates


def _name_evidence(a: _Record, b: _Record) -> float:
    matched_a: set[int] = set()
    matched_b: set[int] = set()
    shared, matches = 0.0, 0
    for negative, words_a, words_b in _candidates(a, b):
        if matched_a.isdisjoint(words_a) and matched_b.isdisjoint(words_b):
            matched_a.update(words_a)
            matched_b.update(words_b)
            matches += 1
            weights = sum(a.words[i].weight for i in words_a) + sum(
                b.words[j].weight for j in words_b
            )
            shared += -negative * weights / 2
    if not shared:
        return 0.0

    def total(record: _Record, matched: set[int]) -> float:
        return sum(
            w.weight
            for k, w in enumerate(record.words)
            if not w.extra or k in matched or not record.has_names
        )

    total_a, total_b = total(a, matched_a), total(b, matched_b)
    overlap = min(1.0, shared / min(total_a, total_b))
    if not (a.has_names and b.has_names):
        return 0.85 * overlap
    dice = min(1.0, 2 * shared / (total_a + total_b))
    if matches < 2:
        return dice  # one word in common: "Peeters" is not yet "Sara Peeters"
    return 0.7 * dice + 0.3 * overlap


# Birth dates: "YYYY-MM-DD", "YYYY-MM", "YYYY", "DD/MM/YYYY", a date, or an int year.
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?")
_EUROPEAN_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def _parse_birth(value: Any) -> tuple[int, int | None, int | None] | None:
    if isinstance(value, datetime.date):
        year, month, day = value.year, value.month, value.day
    elif isinstance(value, int) and not isinstance(value, bool):
        year, month, day = value, None, None
    elif isinstance(value, str) and len(value) <= 40:
        value = value.strip()
        if match := _ISO_DATE.fullmatch(value):
            year, month, day = (int(g) if g else None for g in match.groups())
        elif match := _EUROPEAN_DATE.fullmatch(value):
            day, month, year = (int(g) for g in match.groups())
        else:
            return None
    else:
        return None
    if not 1880 <= year <= 2100:
        return None
    if not month or month > 12:
        return (year, None, None)  # month 00 (NISS convention) or garbage: year only
    if not day or day > 31:
        return (year, month, None)
    if (month, day) == (1, 1):
        return (year, None, None)  # 1 January: the usual placeholder for an unknown date
    return (year, month, day)


def _one_digit_apart(x: str, y: str) -> bool:
    if len(x) != len(y):
        return False
    diffs = [k for k in range(len(x)) if x[k] != y[k]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and x[diffs[0]] == y[diffs[1]]
        and x[diffs[1]] == y[diffs[0]]
    )


def _birth_factor(
    a: tuple[int, int | None, int | None] | None, b: tuple[int, int | None, int | None] | None
) -> float:
    if a is None or b is None:
        return 0.9
    (year_a, month_a, day_a), (year_b, month_b, day_b) = a, b
    full = day_a is not None and day_b is not None
    same_day_month = full and (month_a, day_a) == (month_b, day_b)
    gap = abs(year_a - year_b)
    if gap == 0:
        if same_day_month:
            return 1.0
        if full and (month_a, day_a) == (day_b, month_b):
            return 0.97
        if month_a is None or month_b is None:
            return 0.94
        if full:
            return 0.86 if month_a == month_b or day_a == day_b else 0.8
        return 0.95 if month_a == month_b else 0.85
    if gap == 1:
        if same_day_month:
            return 0.95
        return 0.82 if full else 0.91
    if same_day_month and _one_digit_apart(str(year_a), str(year_b)):
        return 0.85  # 1985 / 1958, 1985 / 1995: a typo in the year
    if gap == 2:
        return 0.65
    if gap <= 4:
        return 0.5
    return 0.35


# NISS (DOMAIN.md §5): lien.people.niss (python-stdnum) checks the numbers.
def _niss(record: Any) -> str | None:
    digits = "".join(ch for ch in _text(_get(record, "niss"))[:64] if ch in "0123456789")
    if len(digits) != 11 or len(set(digits)) == 1:
        return None
    return digits


def _niss_checksum_ok(digits: str) -> bool:
    return niss.parse(digits).valid


def _is_bis(digits: str) -> bool:
    month = int(digits[2:4])  # BIS numbers add 20 or 40 to the month, checksum or not
    return 20 <= month <= 32 or 40 <= month <= 52


def _niss_factor(x: str, y: str) -> float:
    if _is_bis(x) != _is_bis(y):
        return 1.0  # a BIS number first, a national number later: same person possible
    if _niss_checksum_ok(x) and _niss_checksum_ok(y):
        return 0.3
    return 0.95 if _one_digit_apart(x, y) else 0.6


def score(a: Mapping, b: Mapping) -> float:
    """How likely two people records are the same person, from 0 to 1 (see the module doc).

    `a` and `b` may carry `first_name`, `last_name`, `nickname`, `other_names`, `birth_date`
    ("YYYY-MM-DD" or "YYYY") and `niss`; every key is optional and bad values are ignored.
    """
    x, y = _prepare(a), _prepare(b)
    if x.order_key() > y.order_key():  # same operations in the same order both ways
        x, y = y, x
    floor = 0.0
    niss_factor = 1.0
    if x.niss and y.niss:
        if x.niss == y.niss:
            if _niss_checksum_ok(x.niss):
                return 1.0
            floor = 0.9
        else:
            niss_factor = _niss_factor(x.niss, y.niss)
    value = _name_evidence(x, y) * _birth_factor(x.birth, y.birth) * niss_factor
    return round(min(1.0, max(floor, value)), 4)
