"""Time scenarios in-process, through Django's test client, as their user.

Each request is timed wall-clock with perf_counter, middleware, view, template and SQL
included. SQL is timed per statement by a connection execute wrapper, which has sub-millisecond
resolution (CaptureQueriesContext rounds each query to the millisecond, and most take less).
It measures executing a statement; on SQLite, stepping through the rows of a large result
happens later, while fetching, and counts as page time.
"""

import gc
import math
import statistics
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from lien.bench.scenarios import Request, Scenario

WARMUP = 3
MIN_RUNS = 20
MIN_SECONDS = 2.0
MAX_RUNS = 200


class ScenarioFailed(Exception):
    pass


@dataclass(frozen=True)
class Result:
    scenario: str
    queries: int
    median_ms: float
    p95_ms: float
    sql_ms: float
    runs: int
    query_counts: tuple[int, ...]

    @property
    def ratio(self) -> float | None:
        """Page time over SQL time: how much the page costs beyond the SQL it needs."""
        return self.median_ms / self.sql_ms if self.sql_ms > 0 else None

    @property
    def stable_queries(self) -> bool:
        return len(set(self.query_counts)) == 1

    def as_json(self) -> dict:
        ratio = self.ratio
        return {
            "scenario": self.scenario,
            "queries": self.queries,
            "median_ms": round(self.median_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "sql_ms": round(self.sql_ms, 3),
            "ratio": round(ratio, 2) if ratio is not None else None,
            "runs": self.runs,
        }


@dataclass(frozen=True)
class Sample:
    seconds: float
    sql_seconds: float
    queries: int
    statements: tuple[str, ...]


class _SQLTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        started = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += perf_counter() - started
            self.statements.append(sql)


def percentile(values: Iterable[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@contextmanager
def bench_settings() -> Iterator[None]:
    """Production-like settings for generating and timing: no debug query log, no MFA
    enrolment redirect for the bench users, and the test client's host allowed."""
    hosts = list(settings.ALLOWED_HOSTS)
    if "testserver" not in hosts and "*" not in hosts:
        hosts.append("testserver")
    with (
        override_settings(DEBUG=False, LIEN_REQUIRE_MFA=False, ALLOWED_HOSTS=hosts),
        warnings.catch_warnings(),
    ):
        # WhiteNoise warns that static files were not collected: no scenario serves them.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        yield


def _send(client: Client, scenario: Scenario, request: Request) -> Sample:
    timer = _SQLTimer()
    send = getattr(client, request.method.lower())
    with connection.execute_wrapper(timer):
        started = perf_counter()
        response = send(request.path, data=request.data or None, headers=request.headers)
        if response.streaming:
            b"".join(response.streaming_content)
        seconds = perf_counter() - started
    if response.status_code != scenario.expect_status:
        where = f" → {response['Location']}" if response.has_header("Location") else ""
        raise ScenarioFailed(
            f"{scenario.name}: {request.method} {request.path} answered "
            f"{response.status_code}{where}, expected {scenario.expect_status}"
        )
    return Sample(seconds, timer.seconds, len(timer.statements), tuple(timer.statements))


def run_scenario(
    scenario: Scenario,
    *,
    warmup: int = WARMUP,
    min_runs: int = MIN_RUNS,
    min_seconds: float = MIN_SECONDS,
    max_runs: int = MAX_RUNS,
) -> tuple[Result, Sample]:
    """Warm up, then run until at least `min_runs` runs and `min_seconds`, at most `max_runs`.

    Returns the result and the last run (its SQL statements, for a closer look)."""
    user = scenario.user()
    client = Client()
    if user is not None:
        client.force_login(user)
    request = scenario.build(user)
    for _ in range(warmup):
        _send(client, scenario, request)
    gc.collect()
    samples: list[Sample] = []
    started = perf_counter()
    while len(samples) < max(1, max_runs) and (
        len(samples) < min_runs or perf_counter() - started < min_seconds
    ):
        samples.append(_send(client, scenario, request))
    last = samples[-1]
    result = Result(
        scenario=scenario.name,
        queries=last.queries,
        median_ms=statistics.median(s.seconds for s in samples) * 1000,
        p95_ms=percentile((s.seconds for s in samples), 0.95) * 1000,
        sql_ms=statistics.median(s.sql_seconds for s in samples) * 1000,
        runs=len(samples),
        query_counts=tuple(s.queries for s in samples),
    )
    return result, last


def run_all(
    scenarios: Iterable[Scenario],
    *,
    on_result: Callable[[Result, Sample], None] = lambda result, last: None,
    **options,
) -> list[Result]:
    results = []
    with bench_settings():
        for scenario in scenarios:
            result, last = run_scenario(scenario, **options)
            on_result(result, last)
            results.append(result)
    return results


COLUMNS = (
    ("scenario", "<", 16),
    ("queries", ">", 7),
    ("median ms", ">", 10),
    ("p95 ms", ">", 10),
    ("SQL ms", ">", 10),
    ("page/SQL", ">", 9),
    ("runs", ">", 5),
)


def format_table(results: Iterable[Result]) -> str:
    results = list(results)
    name, align, width = COLUMNS[0]
    columns = ((name, align, max([width, *(len(r.scenario) for r in results)])), *COLUMNS[1:])

    def line(cells) -> str:
        return "  ".join(
            f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, columns, strict=True)
        ).rstrip()

    rows = [line(name for name, _, _ in columns)]
    rows.append(line("-" * width for _, _, width in columns))
    for result in results:
        ratio = result.ratio
        queries = str(result.queries) if result.stable_queries else f"{result.queries}*"
        rows.append(
            line(
                (
                    result.scenario,
                    queries,
                    f"{result.median_ms:.2f}",
                    f"{result.p95_ms:.2f}",
                    f"{result.sql_ms:.2f}",
                    f"{ratio:.1f}×" if ratio is not None else "—",
                    str(result.runs),
                )
            )
        )
    return "\n".join(rows)
