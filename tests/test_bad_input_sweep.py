"""Tried by strangers: every page and form of Lien, fed input nobody foresaw.

The sweep reuses the world and the URL list of test_access_matrix. Each URL that answers GET is
opened by a user holding every role (anonymously if it is public), then:
- asked again with hostile values in each query parameter the page reads (a first, plain
  visit tells which names the view asks for);
- each `<form method="post">` it serves, for itself or for a post-only action, is posted back
  with hostile values: every field at once for each value, then field by field over the values
  the form came with, then without each required field, then with every field given twice.
No answer may be a server error, markup sent may never come back unescaped, and a post that is
refused (an error status, or a form that answers with errors) writes nothing. A record's form
posted back unchanged must be accepted, and then show the same values (nothing cleared or
moved). Each request runs in a savepoint that is rolled back, so each meets the world as built.
"""

import re
import traceback
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.http import QueryDict
from django.test import Client, override_settings
from django.test.utils import ContextList
from django.urls import Resolver404, resolve, reverse

from lien.accounts.models import Team, User
from lien.audit.models import AuditEvent
from lien.outreach.models import Place, Territory, Theme
from lien.partners.models import Partner
from lien.people.models import Person
from lien.people.services import create_person
from tests.conftest import TEST_BLIND_KEY, TEST_KEYS
from tests.factories import ALL_ROLES, OrganisationFactory, TeamFactory, UserFactory
from tests.test_access_matrix import BLOCKED, PUBLIC, URLS, _url, build_world

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
RAW_MARKUP = (SCRIPT, "<img src=x onerror=alert(1)>")
LONG = "x" * 100_000
NUL = "before\x00after, a lone \ud800 surrogate"
# Right-to-left marks, a joined emoji, stacked combining accents, a BOM, a line separator; and
# markup, so that wherever such a text is shown, it is shown escaped.
UNUSUAL = "\u202eRTL\u200f \U0001f469\u200d\U0001f467 e\u0301\u0301 \ufeff\u2028 Z\u0337\u0322 "
UNUSUAL += SCRIPT + ATTRIBUTE
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
UNKNOWN_CHOICE = "not-a-choice"

# Every field of a form at once gets each of these.
EVERY_VALUE = [LONG, NUL, UNUSUAL, "99999-01-01", "9" * 40, MISSING_UUID]
# Field by field, each kind of field gets the values that could get past a browser's checks
# (the first and last days Python counts: arithmetic beyond them overflows).
BY_KIND = {
    "text": [LONG, NUL, UNUSUAL],
    "date": ["2026-02-30", "0000-01-01", "1-1-1", "9999-12-31"],
    "time": ["25:99"],
    "datetime-local": ["2026-02-30T25:99", "0001-01-01T00:00", "9999-12-31T23:59"],
    "number": ["1e309", "-1", "NaN", "9" * 40],
    "choice": [UNKNOWN_CHOICE],  # and, for records, one that does not exist or is elsewhere
    "hidden": ["garbage", "9" * 40],
    "flag": ["garbage"],
}
# Number fields of a form tried one by one: a grid of counts is alike.
ALIKE = 4
# Values a browser sends for a required field the page left empty.
FILLERS = {
    "email": "sweep@example.org",
    "number": "1",
    "date": "2026-03-02",
    "time": "10:00",
    "datetime-local": "2026-03-02T10:00",
    "month": "2026-03",
    "url": "https://example.org",
    "tel": "0470 12 34 56",
    "password": "Sweep-password-2026",
}
# What a form needs to be accepted that no field says (one of several, a new nickname);
# FIRST: the first record its select offers.
FIRST = "(the first offered)"
VALID = {
    "accounts:user_invite": {"roles": "social_worker"},
    "casework:circle_add": {"name": "Dr Martin"},
    "outreach:encounter_new": {"count_18-21_m": "2"},
    "outreach:mediation_new": {"territory": FIRST, "parties_description": "Deux voisins"},
    "outreach:observation_new": {"territory": FIRST},
    "people:person_create": {"nickname": "Zébulon"},
}
NOT_SENT = {"file", "reset", "button", "image"}
# The values a browser's typed boxes keep (HTML's value sanitization), the empty one included.
BROWSER_READS = {
    "date": r"(\d{4,}-\d\d-\d\d)?",
    "datetime-local": r"(\d{4,}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?",
    "time": r"(\d\d:\d\d(:\d\d(\.\d+)?)?)?",
    "number": r"(-?(\d+|\d*\.\d+)([eE][-+]?\d+)?)?",
}
NOT_SWEPT = {"csrfmiddlewaretoken"}  # the test client does not check it

QUERY_MARKUP = SCRIPT + ATTRIBUTE + "q" * 10_000
QUERY_VALUES = [
    "-1",
    "abc",
    "9" * 40,
    "2026-13-45",
    "9999-12-31",
    NUL,
    QUERY_MARKUP,
    MISSING_UUID,
]


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "select", "textarea" or "submit"
    value: str = ""
    checked: bool = False
    required: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)
    bounded: bool = False  # a maxlength the form field checks


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)


class PageParser(HTMLParser):
    """The forms of a page, with their fields as a browser would send them, and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: list | None = None  # [value or None, selected, text]

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._end_option()
            self._option = [a.get("value"), "selected" in a, ""]
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if tag in {"input", "button"} and kind == "submit":
            # Named or not: the first one is what Enter presses.
            self._form.fields.append(Field(name, "submit", a.get("value", "")))
        elif not name:
            return
        elif tag == "input":
            value = a.get("value", "")
            if kind in BROWSER_READS and not re.fullmatch(BROWSER_READS[kind], value):
                value = ""  # a browser drops what its date, time or number box cannot read
            self._form.fields.append(Field(name, kind, value, "checked" in a, "required" in a))
            self._form.fields[-1].bounded = "maxlength" in a
        elif tag == "select":
            self._select = Field(name, "select", required="required" in a)
            self._select.multiple = "multiple" in a
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(name, "textarea", required="required" in a)
            self._textarea.bounded = "maxlength" in a
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._end_option()
        elif tag == "select":
            self._end_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None

    def _end_option(self):
        if self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((text.strip() if value is None else value, selected))
        self._option = None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _kind(f: Field) -> str:
    if f.kind in {"select", "radio"}:
        return "choice"
    if f.kind == "checkbox":
        return "flag"
    if f.kind == "hidden":
        return "choice" if _is_uuid(f.value) else "hidden"
    if f.kind in BY_KIND:
        return f.kind
    return "number" if f.kind == "range" else "text"


def _main_button(form: Form) -> Field | None:
    """The button that saves: the first without a name (others search, add, open a file), else
    the first."""
    buttons = [f for f in form.fields if f.kind == "submit"]
    return next((f for f in buttons if not f.name), buttons[0] if buttons else None)


def _as_sent(form: Form, button: Field | None, *, filled=True) -> list[tuple[str, str]]:
    """What a browser sends for the form as the page gave it when `button` is pressed.
    `filled`: with the choices and required fields it left empty filled in (for the main
    button, only those before it: a box after it belongs to another action, the nickname of
    a file to open)."""
    pairs = []
    radios = {}
    main = button is not None and button is _main_button(form)
    past_the_button = False
    for f in form.fields:
        past_the_button = past_the_button or (main and f is button)
        fill = filled and f.required and not past_the_button
        if f.kind in NOT_SENT or (f.kind == "submit" and f is not button):
            continue
        if f.kind == "submit":
            if f.name:
                pairs.append((f.name, f.value))
        elif f.kind == "checkbox":
            if f.checked:
                pairs.append((f.name, f.value or "on"))
        elif f.kind == "radio":
            # A required choice left on its blank option takes the first real one.
            blank = fill and not radios.get(f.name)
            if (f.checked and (f.value or not fill)) or (blank and f.value):
                radios[f.name] = f.value
        elif f.kind == "select":
            # Nothing chosen: a browser sends the first option, the sweep the first record.
            chosen = [value for value, selected in f.options if selected]
            if not chosen and not f.multiple:
                chosen = [value for value, _selected in f.options if value or not filled][:1]
            elif not any(chosen) and fill:
                chosen = [value for value, _selected in f.options if value][:1]
            pairs.extend((f.name, value) for value in chosen)
        elif f.kind == "hidden":
            pairs.append((f.name, f.value))
        else:
            pairs.append((f.name, f.value or (FILLERS.get(f.kind, "Test") if fill else "")))
    pairs.extend(radios.items())
    return pairs


def _swept_one_by_one(fields: list[Field]) -> list[Field]:
    """The fields tried one by one: each name once, a formset's rows once (their names differ by
    a number), and the first ALIKE number fields only (a grid of counts)."""
    chosen, shapes, numbers = [], set(), 0
    for f in fields:
        shape = re.sub(r"\d+", "#", f.name)
        if shape in shapes:
            continue
        if _kind(f) == "number":
            if numbers >= ALIKE:
                continue
            numbers += 1
        shapes.add(shape)
        chosen.append(f)
    return chosen


def _query_values(given: str) -> list[str]:
    """The hostile values for a query parameter: all of them, or, when the page's own links
    give it a number, a date or a record, those that could get past its parsing."""
    if re.fullmatch(r"\d+", given):
        kept = {"-1", "abc", "9" * 40}
    elif re.fullmatch(r"\d{4}-\d\d-\d\d", given):
        kept = {"abc", "2026-13-45", "9999-12-31"}
    elif _is_uuid(given):
        kept = {"abc", MISSING_UUID}
    else:
        return list(QUERY_VALUES)
    return [value for value in QUERY_VALUES if value in kept or value in (NUL, QUERY_MARKUP)]


def _parsed(response) -> PageParser | None:
    if response is None or response.status_code != 200:
        return None
    if not response["Content-Type"].startswith("text/html"):
        return None
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def _forms_shown(response) -> list:
    """The bound forms and formsets the response's templates were given."""
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    found = {}
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound:
                found[id(value)] = value
    return list(found.values())


def _refused(response) -> bool:
    """Did the view refuse the post: an error status, or a form shown with errors?"""
    return response.status_code >= 400 or any(
        not form.is_valid() for form in _forms_shown(response)
    )


def _errors(response) -> list:
    return [form.errors for form in _forms_shown(response) if not form.is_valid()]


def _unchanged(form: Form) -> set:
    """What a form shows, but its version (a save counts one more) and its token."""
    ignored = NOT_SWEPT | {"version"}
    shown = _as_sent(form, _main_button(form), filled=False)
    return {(name, value) for name, value in shown if name not in ignored}


def _replace(pairs, name, value):
    kept = [(key, current) for key, current in pairs if key != name]
    return [*kept, (name, value)]


def _short(value: str) -> str:
    return repr(value if len(value) <= 30 else value[:20] + f"…({len(value)} chars)")


def _snapshot_query():
    """One query counting the rows of every Lien table, and summing their versions (the table
    names are the models', nothing else goes into the SQL)."""
    labels, parts = [], []
    for model in apps.get_models():
        if not model.__module__.startswith("lien."):
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        labels.append(f"{model._meta.label} rows")
        if model is AuditEvent:
            # Reading a record, and a refused login or second factor, are recorded too.
            parts.append(
                f"(SELECT COUNT(*) FROM {table} WHERE action NOT LIKE '%.viewed'"  # noqa: S608
                " AND action NOT LIKE '%.read' AND action NOT LIKE '%.searched'"
                " AND action NOT LIKE '%failed')"
            )
            continue
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        if any(f.name == "version" for f in model._meta.concrete_fields):
            labels.append(f"{model._meta.label} versions")
            parts.append(f"(SELECT COALESCE(SUM(version), 0) FROM {table})")  # noqa: S608
    return labels, "SELECT " + ", ".join(parts)


class Sweep:
    def __init__(self, client: Client, login, foreign: dict):
        self.client = client
        self.login = login
        login()
        self.session = self._session()
        self.foreign = foreign  # model -> public id of one of another organisation's records
        self.failures: list[str] = []
        self.labels, self.snapshot_sql = _snapshot_query()
        self._models_of: dict[str, type | None] = {}
        self._sent: set[tuple] = set()
        self._before = None

    # Requests -------------------------------------------------------------------------------

    def _session(self) -> str | None:
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie else None

    def _snapshot(self):
        with connection.cursor() as cursor:
            cursor.execute(self.snapshot_sql)
            return cursor.fetchone()

    def request(self, method: str, path: str, label: str, pairs=(), query: str = "", then=None):
        """One request in a savepoint rolled back afterwards (`then(response)` runs before);
        its problems are noted."""
        pairs = list(pairs)
        key = (method, path, query, tuple(pairs))
        if key in self._sent:
            return None  # the same request, reached from another side
        self._sent.add(key)
        target = f"{path}?{query}" if query else path
        where = f"{method.upper()} {target[:80]} [{label}]"
        response = None
        sid = transaction.savepoint_create()
        try:
            # Every request is rolled back: the rows before one are those before the first.
            if method == "post" and self._before is None:
                self._before = self._snapshot()
            before = self._before if method == "post" else None
            if method == "post":
                body = urlencode(list(pairs), errors="surrogatepass")
                response = self.client.post(
                    path, body, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = self.client.get(target)
            self._check(where, response)
            if before is not None and response.status_code < 500:
                markup = any("<" in value for _name, value in pairs)
                self._check_nothing_written(where, response, before, markup)
            if then is not None and response.status_code < 500:
                then(response)
        except Exception as error:  # every failure is a finding
            self.failures.append(f"{where}: raised {error!r}")
        finally:
            transaction.savepoint_rollback(sid)
            transaction.set_rollback(False)  # back to the known state before the request
        if self._session() != self.session:
            self.login()  # the request ended or rotated its session: back to the first one
            self.session = self._session()
            self._before = None  # a login is recorded
        return response

    def _check(self, where, response):
        if response.status_code >= 500:
            cause = ""
            if response.exc_info:
                last = traceback.extract_tb(response.exc_info[2])[-1]
                cause = f" {response.exc_info[1]!r} at {last.filename}:{last.lineno}"
            self.failures.append(f"{where}: {response.status_code}{cause}")
            return
        if getattr(response, "streaming", False):
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        body = response.content.decode(errors="replace")
        for markup in RAW_MARKUP:
            if markup in body:
                self.failures.append(f"{where}: markup came back unescaped: {markup}")

    def _check_nothing_written(self, where, response, before, markup):
        if response.status_code in {301, 302, 303}:
            # Accepted: markup it stored is shown where it leads, and must be escaped there.
            if markup:
                self._check(f"{where} → {response.url[:60]}", self.client.get(response.url))
            return
        if not _refused(response):
            return  # a step of the form (a search, a file opened from a nickname, a secret shown)
        after = self._snapshot()
        changed = [label for label, a, b in zip(self.labels, before, after, strict=True) if a != b]
        if changed:
            index = self.labels.index("audit.AuditEvent rows")
            events = after[index] - before[index]
            actions = list(AuditEvent.objects.values_list("action", flat=True)[:events])
            self.failures.append(
                f"{where}: refused ({response.status_code}) but wrote {changed} {actions}"
            )

    # Pages ----------------------------------------------------------------------------------

    def page(self, path: str) -> PageParser | None:
        return _parsed(self.client.get(path))

    def visit(self, path: str, query: str = "") -> tuple[PageParser | None, set[str]]:
        """The page, and the query parameters the visit asked for, given or not."""
        names = set()
        with ExitStack() as stack:
            for method in ("__getitem__", "__contains__", "get", "getlist"):
                original = getattr(QueryDict, method)

                def spy(qd, key, *args, _original=original, **kwargs):
                    names.add(key)
                    return _original(qd, key, *args, **kwargs)

                stack.enter_context(mock.patch.object(QueryDict, method, spy))
            response = self.request("get", path, "as linked", query=query)
        return _parsed(response), names

    def sweep_query_strings(self, path: str, page: PageParser | None, names: set[str]):
        given = {}  # the values the page's own links and search forms give
        for form in page.forms if page else ():
            if form.method == "get" and urlsplit(form.action).path in {"", path}:
                given.update((f.name, f.value) for f in form.fields if f.name)
        for link in page.links if page else ():
            parts = urlsplit(link)
            if parts.query and parts.path in {"", path}:
                given.update(parse_qsl(parts.query, keep_blank_values=True))
        if given:
            names = names | self.visit(path, urlencode(given))[1]
        # A template's `request.GET.urlencode` asks for a key before the method.
        for name in sorted(n for n in names - NOT_SWEPT if not hasattr(QueryDict, n)):
            values = _query_values(given.get(name, ""))
            if _is_uuid(given.get(name, "")):
                values += self._records(Field(name, "hidden", given[name]))[1:]
            for value in values:
                pairs = [*((key, v) for key, v in given.items() if key != name), (name, value)]
                query = urlencode(pairs, errors="surrogatepass")
                self.request("get", path, f"?{name}={_short(value)}", query=query)

    # Forms ----------------------------------------------------------------------------------

    def sweep_form(self, path: str, form: Form, page: str):
        main = _main_button(form)
        others = [f for f in form.fields if f.kind == "submit" and f is not main]
        fields = [f for f in form.fields if f.kind not in NOT_SENT | {"submit"}]
        swept = [f for f in fields if f.name not in NOT_SWEPT]
        names = list(dict.fromkeys(f.name for f in swept))
        sent = _as_sent(form, main)
        for name, value in VALID.get(resolve(urlsplit(path).path).view_name, {}).items():
            if value == FIRST:
                options = next(f.options for f in form.fields if f.name == name)
                value = next(option for option, _selected in options if option)
            sent = _replace(sent, name, value)
        kept = [(key, value) for key, value in sent if key not in names]  # token and button
        # A record's own form, that asks for nothing new (an action posted elsewhere, such as
        # archiving, changes the record; ending a follow-up asks why).
        editing = (
            path == page
            and any(f.name == "version" and f.value for f in fields)
            and not any(f.required and not f.value for f in fields if _kind(f) != "choice")
        )

        def read_back(response):
            # A record's form saved unchanged: what the page showed, it must read back, and
            # show again as it was (nothing cleared, nothing moved).
            if _refused(response):
                self.failures.append(f"POST {path} [unchanged]: refused {_errors(response)}")
                return
            touched = AuditEvent.objects.filter(pk__gt=last or 0).values_list("fields", flat=True)
            touched = sorted({name for fields in touched for name in fields} - {"version"})
            if touched:
                self.failures.append(f"POST {path} [unchanged]: changed {touched}")
            again = self.page(page)
            same = [f.name for f in form.fields]
            shown = [f for f in again.forms if [x.name for x in f.fields] == same] if again else []
            before, after = _unchanged(form), _unchanged(shown[0]) if shown else None
            if after is not None and before != after:
                changed = sorted(before ^ after)
                self.failures.append(f"POST {path} [unchanged]: the page then shows {changed}")

        if editing:
            last = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last()
            unchanged = _as_sent(form, main, filled=False)
            self.request("post", path, "unchanged", unchanged, then=read_back)
        self.request("post", path, "as the page gave it", sent)
        self.request("post", path, "only the button", kept)
        garbage = [(name, "x") for name in names]
        self.request("post", path, "every field again, garbage", [*sent, *garbage])
        for value in EVERY_VALUE:
            pairs = [*kept, *((name, value) for name in names)]
            self.request("post", path, f"every field = {_short(value)}", pairs)
        for button in others:
            # Another button (a search, a −/+) leads somewhere else in the view.
            pressed = _as_sent(form, button)
            label = f"pressing {button.name}={button.value}"
            self.request("post", path, label, pressed)
            for value in (NUL, LONG, UNUSUAL, "9" * 40):
                pairs = [(key, value if key in names else v) for key, v in pressed]
                self.request("post", path, f"{label}, every field = {_short(value)}", pairs)
        for f in _swept_one_by_one(swept):
            if f.required:
                pairs = [(key, value) for key, value in sent if key != f.name]
                self.request("post", path, f"{f.name} missing", pairs)
        for f in _swept_one_by_one(swept):
            values = list(BY_KIND[_kind(f)])
            if _kind(f) == "choice":
                values += self._records(f)
            if _kind(f) == "text" and f.bounded:
                values.remove(LONG)  # the form checks its length: every field at once tries it
            for value in values:
                pairs = _replace(sent, f.name, value)
                self.request("post", path, f"{f.name} = {_short(value)}", pairs)

    def _records(self, f: Field) -> list[str]:
        """For a field naming records: a record that does not exist, and another
        organisation's record of the same kind as those the field offers."""
        ids = [value for value, _selected in f.options if _is_uuid(value)]
        ids = ids or ([f.value] if _is_uuid(f.value) else [])
        if not ids:
            return []
        if ids[0] not in self._models_of:
            found = (m for m in self.foreign if m.objects.filter(public_id=ids[0]).exists())
            self._models_of[ids[0]] = next(found, None)
        model = self._models_of[ids[0]]
        return [MISSING_UUID, *([str(self.foreign[model])] if model else [])]


def _posted_here(page_path: str, form: Form) -> str | None:
    """The path a post-form of the page posts to, if the sweep posts it: the page's own forms
    and post-only actions (not the header's language and logout forms, posted on Today)."""
    if form.method != "post":
        return None
    target = form.action or page_path
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return None
    if target == page_path:
        return target
    rule = URLS.get(match.view_name)
    if rule is None or rule.method != "post":
        return None
    if match.view_name in {"set_language", "account_logout"} and page_path != reverse("web:today"):
        return None
    return target


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    """The access matrix's world, built once for this module in a transaction rolled back at
    its end (each request of the sweep is rolled back too, so each meets the world as built),
    with the user who sweeps and one record of each kind forms offer in another organisation."""

    def make_user(*roles, organisation, teams=(), **kwargs):
        return UserFactory(
            roles=list(roles), teams=list(teams), organisation=organisation, **kwargs
        )

    with (
        django_db_blocker.unblock(),
        override_settings(
            LIEN_ENCRYPTION_KEYS=TEST_KEYS,
            LIEN_BLIND_INDEX_KEY=TEST_BLIND_KEY,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        organisation = OrganisationFactory(name="Travail de rue A")
        world = build_world(organisation, make_user)
        sweeper = make_user(*ALL_ROLES, organisation=organisation, teams=[world["_team"]])
        elsewhere = OrganisationFactory(name="Habitat B")
        team = TeamFactory(organisation=elsewhere, name="Ailleurs")
        user = make_user(*ALL_ROLES, organisation=elsewhere, teams=[team])
        territory = Territory.objects.create(organisation=elsewhere, name_fr="Ailleurs")
        place = Place.objects.create(organisation=elsewhere, territory=territory, name="Ailleurs")
        theme = Theme.objects.create(
            organisation=elsewhere, code="other", label_fr="Autre", label_en="Other"
        )
        person = create_person(by=user, team=team, data={"nickname": "Autre", "niss": ""})
        partner = Partner.objects.create(organisation=elsewhere, name="Autre")
        foreign = {
            Person: person.public_id,
            Partner: partner.public_id,
            Team: team.public_id,
            User: user.public_id,
            Territory: territory.public_id,
            Place: place.public_id,
            Theme: theme.public_id,
        }
        yield world, sweeper, foreign
        transaction.set_rollback(True)


SWEPT = sorted(
    name for name, rule in URLS.items() if rule.method == "get" and rule.access != BLOCKED
)


@pytest.mark.parametrize("name", SWEPT)
def test_strangers_input_never_breaks_a_page(town, db, name):
    world, sweeper, foreign = town
    client = Client(raise_request_exception=False)

    def login():
        if URLS[name].access == PUBLIC:
            client.logout()
        else:
            client.force_login(sweeper)

    path = _url(name, world)
    sweep = Sweep(client, login, foreign)
    page, names = sweep.visit(path)
    sweep.sweep_query_strings(path, page, names)
    posted = set()
    for form in page.forms if page else ():
        target = _posted_here(path, form)
        if target is not None and (target, len(form.fields)) not in posted:
            posted.add((target, len(form.fields)))
            sweep.sweep_form(target, form, path)
    assert not sweep.failures, "\n".join(dict.fromkeys(sweep.failures))
