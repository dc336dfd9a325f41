"""The catalogues under locale/ are complete, compiled and used.

When a test here fails after code changed, redo the steps in locale/README.md: make the
messages, translate what is empty or fuzzy in fr and nl, refill en, compile.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The msgid as a GNU .mo file stores it (context joined with EOT)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for the files makemessages writes (header included)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    last: tuple[str, int | None] | None = None

    def start() -> Entry:
        """The entry a comment or msgid line belongs to: a new one after a msgstr."""
        nonlocal entry, last
        if entry is None or (last is not None and last[0] == "msgstr"):
            entry = Entry()
            entries.append(entry)
            last = None
        return entry

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # the previous msgid of an obsolete entry
                continue
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                current = start()
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            else:
                start()
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if keyword:
            name, index, value = keyword.group(1), keyword.group(2), keyword.group(3)
            text = ast.literal_eval(value)
            current = start() if name in {"msgctxt", "msgid"} else entry
            assert current is not None, f"{path}:{lineno}: {name} outside an entry"
            current.obsolete = current.obsolete or obsolete
            if name == "msgctxt":
                current.msgctxt = text
                last = ("msgctxt", None)
            elif name == "msgid":
                current.msgid = text
                last = ("msgid", None)
            elif name == "msgid_plural":
                current.msgid_plural = text
                last = ("msgid_plural", None)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = text
                last = ("msgstr", slot)
        elif line.startswith('"'):
            assert entry is not None and last is not None, f"{path}:{lineno}: stray string"
            text = ast.literal_eval(line)
            kind, slot = last
            if kind == "msgstr":
                entry.msgstr[slot] += text
            elif kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgctxt = (entry.msgctxt or "") + text
        else:
            raise AssertionError(f"{path}:{lineno}: cannot read {raw!r}")
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [e for e in parse_po(po_path(language)) if e.msgid and not e.obsolete]


def header(language: str) -> Entry:
    first = parse_po(po_path(language))[0]
    assert first.msgid == "", "the header must come first"
    return first


def nplurals(language: str) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", header(language).msgstr[0])
    assert found, f"{language}: no Plural-Forms in the header"
    return int(found.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    assert len(entries) > 50, f"{language}: the catalogue looks empty"
    empty = [e.msgid for e in entries if not e.msgstr or any(not s for s in e.msgstr.values())]
    fuzzy = [e.msgid for e in [header(language), *entries] if "fuzzy" in e.flags]
    assert not empty, f"{language}: untranslated {empty}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plurals_and_placeholders_match_the_source(language):
    expected = nplurals(language)
    for entry in messages(language):
        if entry.msgid_plural is None:
            assert list(entry.msgstr) == [0], entry.msgid
            sources = [entry.msgid]
        else:
            assert sorted(entry.msgstr) == list(range(expected)), entry.msgid
            sources = [entry.msgid, entry.msgid_plural]
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for translated in entry.msgstr.values():
            assert set(PLACEHOLDER.findall(translated)) == wanted, (language, entry.msgid)
            assert translated.endswith("\n") == entry.msgid.endswith("\n"), entry.msgid


def test_english_is_the_source_text():
    for entry in messages("en"):
        if entry.msgid_plural is None:
            assert entry.msgstr[0] == entry.msgid
        else:
            assert entry.msgstr == {0: entry.msgid, 1: entry.msgid_plural}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(language):
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    compiled = catalog._catalog
    keys = {""}
    for entry in messages(language):
        if entry.msgid_plural is None:
            keys.add(entry.key)
            assert catalog.gettext(entry.key) == entry.msgstr[0], (language, entry.msgid)
        else:
            keys.update((entry.key, n) for n in entry.msgstr)
            for n, text in entry.msgstr.items():
                assert compiled.get((entry.key, n)) == text, (language, entry.msgid, n)
    assert set(compiled) == keys, f"{language}: .mo and .po hold different messages"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", {"Today": "Aujourd'hui", "Log in to Lien": "Se connecter à Lien"}),
        ("nl", {"Today": "Vandaag", "Log in to Lien": "Aanmelden bij Lien"}),
    ],
)
def test_django_serves_the_translations(language, expected):
    with translation.override(language):
        for msgid, text in expected.items():
            assert translation.gettext(msgid) == text
            assert translation.gettext(msgid) != msgid
        plural = "This password is too long: use at most %(max)d characters."
        singular = "This password is too long: use at most %(max)d character."
        assert translation.ngettext(singular, plural, 128) != plural
    with translation.override("en"):
        assert all(translation.gettext(msgid) == msgid for msgid in expected)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Mot de passe oublié"), ("nl", "Wachtwoord vergeten")],
)
def test_allauth_speaks_the_language_too(language, expected):
    """allauth ships its own fr and nl catalogues; its msgids must come out translated."""
    msgid = "Forgot your password?"  # a variable, so makemessages never collects it
    with translation.override(language):
        assert translation.gettext(msgid) != msgid
        assert expected in translation.gettext(msgid)


@pytest.mark.parametrize(
    ("language", "title", "allauth_text"),
    [
        ("fr", "Se connecter à Lien", "Mot de passe"),
        ("nl", "Aanmelden bij Lien", "Wachtwoord"),
        ("en", "Log in to Lien", "Password"),
    ],
)
def test_the_login_page_follows_the_browser_language(client, db, language, title, allauth_text):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in page
    assert title in page
    assert allauth_text in page
