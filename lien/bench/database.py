"""The bench database: separate from the main one, one per scale, reused once generated.

LIEN_BENCH_DATABASE_URL names it when set. Otherwise it is derived from the main database:
`var/bench-s{scale}.sqlite3` for SQLite, `<name>_bench_s{scale}` on the same server for
PostgreSQL (created when missing). Django's default connection is pointed at it before any
query, so the pages under test run exactly as they do in production, on bench data.
"""

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"
# As in config/settings.py, for a SQLite bench database next to a PostgreSQL main one.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# Django's own options for the PostgreSQL backend; the others are libpq connection parameters.
DJANGO_PG_OPTIONS = frozenset(
    {"isolation_level", "server_side_binding", "assume_role", "pool", "cursor_factory"}
)


class BenchDatabaseError(Exception):
    pass


def scale_label(scale: float) -> str:
    """1 → "1", 100 → "100", 0.01 → "0_01": safe in file and database names."""
    return format(Decimal(str(scale)).normalize(), "f").replace(".", "_")


def bench_settings_dict(main: dict, scale: float, url: str = "") -> dict:
    """The connection settings of the bench database at `scale`, derived from `main`."""
    target = copy.deepcopy(main)
    if url:
        parsed = dj_database_url.parse(url)
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
            target[key] = parsed.get(key) or ""
        if target["ENGINE"] != main["ENGINE"]:
            target["OPTIONS"] = (
                dict(SQLITE_OPTIONS) if target["ENGINE"] == SQLITE else parsed.get("OPTIONS", {})
            )
    elif main["ENGINE"] == SQLITE:
        target["NAME"] = str(Path(settings.VAR_DIR) / f"bench-s{scale_label(scale)}.sqlite3")
    elif main["ENGINE"] == POSTGRESQL:
        target["NAME"] = f"{main['NAME']}_bench_s{scale_label(scale)}"
    else:
        raise BenchDatabaseError(f"no bench database for {main['ENGINE']}: set the URL")
    if target["ENGINE"] not in (SQLITE, POSTGRESQL):
        raise BenchDatabaseError(f"unsupported bench database engine {target['ENGINE']}")
    if _same_database(target, main):
        raise BenchDatabaseError(
            "the bench database would be the main database: LIEN_BENCH_DATABASE_URL must "
            "name another one (it is emptied and regenerated)"
        )
    return target


def _same_database(a: dict, b: dict) -> bool:
    if a["ENGINE"] != b["ENGINE"]:
        return False
    if a["ENGINE"] == SQLITE:
        return Path(a["NAME"]).resolve() == Path(b["NAME"]).resolve()
    keys = ("NAME", "HOST", "PORT")
    return all(str(a.get(key) or "") == str(b.get(key) or "") for key in keys)


def describe(target: dict) -> str:
    if target["ENGINE"] == SQLITE:
        return f"SQLite {target['NAME']}"
    host = target.get("HOST") or "local socket"
    port = f":{target['PORT']}" if target.get("PORT") else ""
    return f"PostgreSQL {target['NAME']} on {host}{port}"


def exists(target: dict) -> bool:
    if target["ENGINE"] == SQLITE:
        return Path(target["NAME"]).exists()
    with _maintenance(target) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]])
        return cursor.fetchone() is not None


def create(target: dict, *, replace: bool = False) -> None:
    """Create the (empty) bench database, dropping it first when `replace`.

    Close Django's connection to it first."""
    if target["ENGINE"] == SQLITE:
        path = Path(target["NAME"])
        if replace:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = sql.Identifier(target["NAME"])
    with _maintenance(target) as cursor:
        if replace:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))


@contextmanager
def _maintenance(target: dict) -> Iterator[psycopg.Cursor]:
    """A cursor on the server's `postgres` database, in autocommit (CREATE/DROP DATABASE)."""
    params = {
        key: value
        for key, value in (target.get("OPTIONS") or {}).items()
        if key not in DJANGO_PG_OPTIONS
    }
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if target.get(key):
            params[param] = str(target[key])
    if target.get("PASSWORD"):
        params["password"] = target["PASSWORD"]
    try:
        with (
            psycopg.connect(dbname="postgres", autocommit=True, **params) as conn,
            conn.cursor() as cursor,
        ):
            yield cursor
    except psycopg.OperationalError as exc:
        raise BenchDatabaseError(f"cannot reach the PostgreSQL server: {exc}") from exc


@contextmanager
def use_database(target: dict) -> Iterator[None]:
    """Point Django's default connection at `target`, and back to the main database after."""
    main_connection = connections["default"]
    main_connection.close()
    settings_dict = connections.settings["default"]
    saved = copy.deepcopy(settings_dict)
    # The same dict object is shared with settings.DATABASES: update it in place.
    settings_dict.clear()
    settings_dict.update(copy.deepcopy(target))
    # A fresh wrapper, in case the bench engine differs from the main one.
    del connections["default"]
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict.clear()
        settings_dict.update(saved)
        connections["default"] = main_connection


# The marker: one row written after generation, so that a half-generated database is never
# mistaken for a complete one. Not a model: it only ever exists in bench databases.


def read_marker(connection) -> dict | None:
    if "lien_bench_marker" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM lien_bench_marker WHERE name = %s", ["generation"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(connection, marker: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS lien_bench_marker "
            "(name VARCHAR(50) PRIMARY KEY, value TEXT NOT NULL)"
        )
        cursor.execute("DELETE FROM lien_bench_marker WHERE name = %s", ["generation"])
        cursor.execute(
            "INSERT INTO lien_bench_marker (name, value) VALUES (%s, %s)",
            ["generation", json.dumps(marker, sort_keys=True)],
        )


# While generating, SQLite gets a page cache large enough for the indexes being filled: with
# the default 2 MB, each insert into a large index (random UUIDs) reads pages back from the OS.
GENERATION_CACHE_KIB = 1_048_576


@contextmanager
def generating(connection) -> Iterator[None]:
    """Settings for bulk loading, restored afterwards: the timed runs use the usual ones."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        saved = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-GENERATION_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {saved}")


def analyse(connection) -> None:
    """Give the query planner statistics on the fresh data, as autovacuum would in production."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
