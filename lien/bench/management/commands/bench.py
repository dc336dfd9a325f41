import json
from pathlib import Path
from time import perf_counter

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from lien.bench import database, generator, runner
from lien.bench.scenarios import SCENARIOS


def _scale(value: str) -> float:
    scale = float(value)
    if not scale >= 0.01:
        raise ValueError(value)
    return scale


class Command(BaseCommand):
    help = (
        "Generate an organisation at a scale into a separate bench database (reused once "
        "generated) and time the main pages in-process: queries, median, p95, SQL time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            default=1.0,
            help="1: a small service (20 users, 1,000 people, 20,000 account audit events); "
            "100: a regional one. At least 0.01.",
        )
        parser.add_argument("--json", metavar="PATH", help="Also write the results as JSON.")
        parser.add_argument("--rebuild", action="store_true", help="Regenerate the bench database.")
        parser.add_argument(
            "--scenario",
            action="append",
            choices=sorted(SCENARIOS),
            dest="scenarios",
            help="Time only this scenario (repeat for several). Default: all.",
        )
        parser.add_argument("--warmup", type=int, default=runner.WARMUP)
        parser.add_argument("--min-runs", type=int, default=runner.MIN_RUNS)
        parser.add_argument("--min-seconds", type=float, default=runner.MIN_SECONDS)
        parser.add_argument("--max-runs", type=int, default=runner.MAX_RUNS)

    def handle(self, *args, **options) -> None:
        scale = options["scale"]
        try:
            target = database.bench_settings_dict(
                settings.DATABASES["default"], scale, settings.LIEN_BENCH_DATABASE_URL
            )
            self.stdout.write(f"Bench database: {database.describe(target)}")
            existed = database.exists(target)
            database.create(target, replace=existed and options["rebuild"])
            # DEBUG off from here: no query log, during generation as during the runs.
            with database.use_database(target), runner.bench_settings():
                self._prepare(target, scale, reuse=existed and not options["rebuild"])
                results = self._time(options)
        except (database.BenchDatabaseError, runner.ScenarioFailed) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(runner.format_table(results))
        if not all(result.stable_queries for result in results):
            self.stdout.write("* the number of queries varied between runs; the last is shown")
        if options["json"]:
            path = Path(options["json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = [result.as_json() for result in results]
            path.write_text(json.dumps(payload, indent=2) + "\n")
            self.stdout.write(f"Results written to {path}")

    def _prepare(self, target: dict, scale: float, *, reuse: bool) -> None:
        stored = database.read_marker(connection) if reuse else None
        todo = generator.steps_to_run(stored, scale)
        if reuse and todo == []:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            self.stdout.write(
                f"Reusing the bench database (scale {scale:g}, seed {generator.SEED}, "
                f"generated {stored.get('generated_at', '?')}); --rebuild regenerates it."
            )
            return
        if todo is None:
            if reuse:
                reason = "incomplete" if stored is None else "from another scale or generator"
                if stored and stored.get("running"):
                    reason = f"incomplete (interrupted in step {stored['running']})"
                self.stdout.write(f"The bench database is {reason}: regenerating it.")
                connection.close()
                database.create(target, replace=True)
            stored, todo = {}, generator.step_names()
        started = perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write(f"Migrated in {perf_counter() - started:.1f} s.")
        started = perf_counter()
        done = [name for name in generator.step_names() if name not in todo]
        if done:
            self.stdout.write(
                f"Appending to the bench database (scale {scale:g}, seed {generator.SEED}, "
                f"generated {stored.get('generated_at', '?')}) the steps it lacks: "
                f"{', '.join(todo)}..."
            )
        else:
            sizes = generator.sizes(scale)
            casework, street = sizes.casework, sizes.street
            self.stdout.write(
                f"Generating scale {scale:g} (seed {generator.SEED}): {sizes.teams} teams, "
                f"{sizes.users} users, {sizes.audit_events:,} audit events, "
                f"{casework.persons:,} people, {casework.procedures:,} procedures, "
                f"{casework.journal_entries:,} journal entries, {street.teams} street-work "
                f"teams, {street.encounters:,} encounters, {street.observations:,} observations "
                "(with their audit events), and another organisation..."
            )
        expected = generator.marker(scale)
        generated_at = stored.get("generated_at")
        now = timezone.now().isoformat(timespec="seconds")

        def progress(finished: list[str], running: str | None) -> None:
            # Recorded before and after each step: a database left between two steps is
            # completed by the next run, one left inside a step is regenerated.
            marker = {**expected, "steps": finished, "generated_at": generated_at or now}
            if running:
                marker["running"] = running
            if done:
                marker["appended_at"] = now
            database.write_marker(connection, marker)

        with database.generating(connection):
            generator.generate(scale, report=self._progress, done=done, progress=progress)
        database.analyse(connection)
        verb = "Appended" if done else "Generated"
        self.stdout.write(f"{verb} in {perf_counter() - started:.1f} s.")

    def _progress(self, line: str) -> None:
        self.stderr.write(line, style_func=str)

    def _time(self, options: dict) -> list[runner.Result]:
        names = options["scenarios"] or list(SCENARIOS)
        scenarios = [SCENARIOS[name] for name in names]
        count = f"{len(scenarios)} scenario{'s' if len(scenarios) > 1 else ''}"
        self.stdout.write(
            f"Timing {count} in-process: {options['warmup']} warm-up runs, "
            f"then at least {options['min_runs']} runs and {options['min_seconds']:g} s "
            f"(at most {options['max_runs']})..."
        )

        def on_result(result: runner.Result, last: runner.Sample) -> None:
            self._progress(f"  {result.scenario}: {result.median_ms:.2f} ms median")
            if options["verbosity"] >= 2:
                for statement in last.statements:
                    self.stderr.write(f"    {statement}", style_func=str)

        return runner.run_all(
            scenarios,
            on_result=on_result,
            warmup=options["warmup"],
            min_runs=options["min_runs"],
            min_seconds=options["min_seconds"],
            max_runs=options["max_runs"],
        )
