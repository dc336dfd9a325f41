"""The audit trail pages by cursor, newest first: no count, no offset, nothing seen twice or
skipped, whatever is recorded meanwhile, and never another organisation's events."""

import datetime
import html
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lien.audit import views
from lien.audit.models import AuditEvent
from lien.audit.services import record

SIZE = 5  # a small page: three pages from a dozen events
LONG_AGO = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", SIZE)


def _trail(organisation, count: int, *, action: str = "user.changed") -> None:
    """`count` events in the past, four by four at the same instant: a page ends in the middle
    of equal times."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=action,
            organisation=organisation,
            occurred_at=LONG_AGO - datetime.timedelta(minutes=i // 4),
            object_type="accounts.user",
            object_id=str(uuid.uuid4()),
        )
        for i in range(count)
    )


def _newest_first(**filters) -> list[uuid.UUID]:
    return list(
        AuditEvent.objects.filter(**filters)
        .order_by("-occurred_at", "-pk")
        .values_list("public_id", flat=True)
    )


def _shown(response) -> list[uuid.UUID]:
    return [event.public_id for event in response.context["page"].object_list]


def _pager(response) -> dict[str, str]:
    """The pager's links as a browser follows them: "before" (older), "after" (newer) and
    "first" (back to the newest events)."""
    nav = re.search(r'<nav class="pagination" aria-label="[^"]+">(.*?)</nav>', response.text, re.S)
    if nav is None:
        return {}
    links = {}
    for href in re.findall(r'<a href="([^"]*)"', nav.group(1)):
        href = html.unescape(href)
        kind = next((name for name in ("before", "after") if f"{name}=" in href), "first")
        links[kind] = href
    return links


def _follow(client, response, kind: str):
    link = _pager(response)[kind]
    assert link.startswith("?")
    answer = client.get(response.wsgi_request.path + link)
    assert answer.status_code == 200
    return answer


def test_three_pages_forward_and_back_show_each_event_once_despite_equal_times(client, admin):
    _trail(admin.organisation, 13)
    client.force_login(admin)
    everything = _newest_first(organisation=admin.organisation)  # with the login's own event
    assert len(everything) == 14

    first = client.get(reverse("audit:event_list"))
    assert "after" not in _pager(first) and "first" not in _pager(first)
    second = _follow(client, first, "before")
    third = _follow(client, second, "before")
    assert "before" not in _pager(third)
    forward = _shown(first) + _shown(second) + _shown(third)
    assert forward == everything
    assert [len(_shown(page)) for page in (first, second, third)] == [5, 5, 4]

    # Each page viewed recorded an event, newer than all of these: the way back is unchanged.
    back_to_second = _follow(client, third, "after")
    back_to_first = _follow(client, back_to_second, "after")
    assert _shown(back_to_second) == _shown(second)
    assert _shown(back_to_first) == _shown(first)


def test_an_event_recorded_while_paging_neither_shifts_nor_repeats_the_others(client, admin):
    _trail(admin.organisation, 12)
    client.force_login(admin)
    before = _newest_first(organisation=admin.organisation)
    first = client.get(reverse("audit:event_list"))
    arrived = record(action="user.changed", actor=admin, obj=admin, fields=["full_name"])

    second = _follow(client, first, "before")
    assert _shown(second) == before[SIZE : 2 * SIZE]
    assert arrived.public_id not in _shown(second)
    again = _follow(client, second, "after")
    assert _shown(again) == _shown(first)
    # The new event is further up, where the newer link leads, with the trail's own reads.
    newest = _follow(client, again, "after")
    assert arrived.public_id in _shown(newest)
    assert not set(_shown(newest)) & set(before)


def test_the_links_keep_the_filters_and_nothing_else(client, admin):
    _trail(admin.organisation, 12, action="user.changed")
    _trail(admin.organisation, 12, action="team.changed")
    client.force_login(admin)
    filters = {"action": "team.changed", "date_from": "2025-02-01", "tracker": "x<y"}
    first = client.get(reverse("audit:event_list"), filters)
    older = _pager(first)["before"]
    assert "action=team.changed" in older and "date_from=2025-02-01" in older
    assert "tracker" not in older
    second = _follow(client, first, "before")
    third = _follow(client, second, "before")
    seen = _shown(first) + _shown(second) + _shown(third)
    assert seen == _newest_first(organisation=admin.organisation, action="team.changed")
    assert "action=team.changed" in _pager(third)["first"]


def test_the_pager_is_a_labelled_nav_of_plain_links(client, admin):
    _trail(admin.organisation, 12)
    client.force_login(admin)
    second = _follow(client, client.get(reverse("audit:event_list")), "before")
    nav = re.search(r'<nav class="pagination"[^>]*>.*?</nav>', second.text, re.S).group(0)
    assert re.search(r'aria-label="[^"]+"', nav)
    assert set(_pager(second)) == {"first", "after", "before"}
    assert "<script" not in nav and "<button" not in nav


@pytest.mark.parametrize(
    "query",
    [
        {"before": "garbage"},
        {"before": "6f1c2a58-0b7e-4c1e-9a3d"},  # truncated
        {"after": "6f1c2a58-0b7e-4c1e-9a3d-000000000000' OR 1=1 --"},
        {"before": "\x00"},
        {"after": "9" * 5000},
        {"before": str(uuid.uuid4())},  # well formed, no such event
        {"before": "", "after": ""},
        {"page": "3"},  # an old link
    ],
)
def test_a_broken_cursor_gives_the_first_page(client, admin, query):
    _trail(admin.organisation, 12)
    client.force_login(admin)
    expected = _newest_first(organisation=admin.organisation)[:SIZE]
    response = client.get(reverse("audit:event_list"), query)
    assert response.status_code == 200
    assert _shown(response) == expected
    assert response.context["page"].cursor is False


def test_two_cursors_at_once_give_the_first_page(client, admin):
    _trail(admin.organisation, 12)
    client.force_login(admin)
    expected = _newest_first(organisation=admin.organisation)[:SIZE]
    middle = expected[-1]
    response = client.get(reverse("audit:event_list"), {"before": middle, "after": middle})
    assert _shown(response) == expected


def test_another_organisations_event_as_cursor_leads_to_ones_own_first_page(
    client, admin, stranger_admin
):
    _trail(admin.organisation, 12)
    _trail(stranger_admin.organisation, 12)
    theirs = _newest_first(organisation=stranger_admin.organisation)
    client.force_login(admin)
    for cursor in ("before", "after"):
        ours = _newest_first(organisation=admin.organisation)  # each read adds one
        response = client.get(reverse("audit:event_list"), {cursor: theirs[3]})
        assert response.status_code == 200
        assert _shown(response) == ours[:SIZE]


def test_paging_to_the_end_never_shows_another_organisations_events(client, admin, stranger_admin):
    _trail(admin.organisation, 7)
    _trail(stranger_admin.organisation, 20)  # interleaved in time with ours
    client.force_login(admin)
    ours = _newest_first(organisation=admin.organisation)
    response = client.get(reverse("audit:event_list"))
    seen = _shown(response)
    while "before" in _pager(response):
        response = _follow(client, response, "before")
        seen += _shown(response)
    assert seen == ours


def test_an_objects_history_pages_by_cursor_within_that_object(client, admin, social_worker):
    for _ in range(7):
        record(action="user.changed", actor=admin, obj=social_worker, fields=["roles"])
        record(action="user.changed", actor=admin, obj=admin, fields=["language"])
    client.force_login(admin)
    url = reverse(
        "audit:object_history",
        kwargs={"object_type": "accounts.user", "object_id": str(social_worker.public_id)},
    )
    history = {"organisation": admin.organisation, "object_id": social_worker.public_id}
    expected = _newest_first(**history)
    first = client.get(url)
    second = _follow(client, first, "before")
    assert "before" not in _pager(second)
    assert _shown(first) + _shown(second) == expected
    # An event of another record is no place to start from in this one's history.
    elsewhere = AuditEvent.objects.filter(object_id=admin.public_id).first().public_id
    newest = _newest_first(**history)[:SIZE]  # with the reads of this history just made
    assert _shown(client.get(url, {"before": elsewhere})) == newest


def test_the_trail_counts_nothing_and_pages_cost_the_same_queries_at_any_depth(
    client, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    client.get(reverse("audit:event_list"))  # the first request of a session does more
    _trail(admin.organisation, 40)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audit:event_list"), params).status_code == 200
        assert not any("COUNT(" in query["sql"].upper() for query in ctx.captured_queries)
        return len(ctx)

    trail = _newest_first(organisation=admin.organisation)
    first = queries({})
    shallow, deep = queries({"before": trail[SIZE]}), queries({"before": trail[-SIZE]})
    newer = queries({"after": trail[-SIZE]})
    # A cursor page reads its boundary event first: one query more than the first page.
    assert shallow == deep == newer == first + 1
    _trail(admin.organisation, 200)
    assert queries({}) == first
    with django_assert_max_num_queries(7):
        client.get(reverse("audit:event_list"), {"before": trail[-SIZE]})
