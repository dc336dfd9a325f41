import pytest

from lien.bench import generator, runner
from lien.bench.scenarios import SCENARIOS
from lien.outreach.models import Encounter


@pytest.mark.django_db
def test_the_encounter_scenarios_open_the_form_and_record_a_new_encounter_each_run():
    generator.generate(0.01)
    generated = set(Encounter.objects.values_list("pk", flat=True))
    scenarios = [SCENARIOS["encounter_form"], SCENARIOS["encounter_submit"]]
    results = runner.run_all(scenarios, warmup=1, min_runs=3, min_seconds=0)
    assert {result.scenario for result in results} == {"encounter_form", "encounter_submit"}
    assert all(result.queries > 0 and result.stable_queries for result in results)
    # One warm-up and three timed runs, each with a fresh client token.
    posted = Encounter.objects.exclude(pk__in=generated)
    assert posted.count() == 4
    assert {e.counts.get().count for e in posted} == {3}
