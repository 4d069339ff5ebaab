"""Campaigns: recipes x seeds through submitit's local executor (what a Slurm cluster gets, run here), rows
collected here, finished runs never submitted again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pruneatlas import paths
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import dump_yaml, load_yaml_file
from reproduce.commands import group
from reproduce.recipes import RECIPES, Recipe
from reproduce.rerun_rows import validation_errors

TINY = {"arch": "mlp", "dataset": "digits", "training": {"epochs": 1}}


def _tiny(name: str, method: dict[str, object], **changes: object) -> Recipe:
    return Recipe(name, None, {**TINY, "method": method, "sparsity": 0.5, **changes})


@pytest.fixture
def tiny_recipes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two recipes on scikit-learn's bundled digits, a second each: the campaign machinery, not the science."""
    recipes = [_tiny("tiny-magnitude", {"method": "magnitude"}), _tiny("tiny-random", {"method": "random"})]
    for recipe in recipes:
        monkeypatch.setitem(RECIPES, recipe.name, recipe)
    return [recipe.name for recipe in recipes]


def _reproduced() -> list[Path]:
    return sorted(paths.REPRODUCED.glob("*")) if paths.REPRODUCED.is_dir() else []


def _campaign(tmp_path: Path, spec: dict[str, object], *extra: str):  # type: ignore[no-untyped-def]
    spec_file = tmp_path / "campaign.yaml"
    spec_file.write_text(dump_yaml(spec), encoding="utf-8")
    where = ["--runs-dir", str(tmp_path / "runs"), "--out", str(tmp_path / "rows"), "-q", "--no-download"]
    return CliRunner().invoke(group, ["campaign", "run", str(spec_file), *where, *extra])


def test_a_two_recipe_campaign_runs_through_submitit_and_resumes(tmp_path: Path, tiny_recipes: list[str], monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # the jobs run side by side on a shared machine
    before = _reproduced()
    spec = {"recipes": tiny_recipes, "seeds": [3], "executor": "submitit-local", "resources": {"timeout_min": 10}}
    first = _campaign(tmp_path, spec)
    assert first.exit_code == 0, first.output
    assert "campaign campaign.yaml: 2 job(s), executor submitit-local" in first.output
    assert "[2/2]" in first.output
    summary = first.output.split("summary:", 1)[1]
    assert summary.count("finished         local job ") == 2, summary
    assert summary.count(" s on CPU: ") == 2, summary  # where each ran: the job, and the hardware it found
    rows = sorted((tmp_path / "rows").glob("*.yaml"))
    assert len(rows) == 2 and all(validation_errors(row) == [] for row in rows)
    for row in rows:
        [result] = PaperFile.model_validate(load_yaml_file(row)).results
        assert result.provenance is not None and result.provenance.seeds == [3]
        assert result.provenance is not None and result.provenance.command.startswith(
            "pruneatlas reproduce recipes run tiny-"
        )
    assert len(list((tmp_path / "runs" / "_campaigns").glob("*_submitted.pkl"))) == 2

    again = _campaign(tmp_path, spec)
    assert again.exit_code == 0, again.output
    assert again.output.split("summary:", 1)[1].count("finished earlier run folder") == 2
    assert len(list((tmp_path / "runs" / "_campaigns").glob("*_submitted.pkl"))) == 2  # nothing submitted again
    assert _reproduced() == before


def test_a_failed_job_is_reported_and_its_recipe_gets_no_row(tmp_path: Path, tiny_recipes: list[str], monkeypatch):
    broken = _tiny("tiny-broken", {"method": "random"}, dataset="mnist")
    monkeypatch.setitem(RECIPES, broken.name, broken)
    spec = {"recipes": [tiny_recipes[0], broken.name], "seeds": [0]}
    outcome = _campaign(tmp_path, spec, "--data-root", str(tmp_path / "no-data"))  # MNIST is not there
    assert outcome.exit_code == 1
    assert "[2/2] tiny-broken seed 0: failed (here)" in outcome.output
    assert "tiny-broken: no row, 1 seed(s) missing: seed 0 (" in outcome.output
    assert "run the campaign again to retry them" in outcome.output
    assert len(list((tmp_path / "rows").glob("*.yaml"))) == 1  # the recipe that finished still has its row


def test_an_unknown_recipe_names_the_spec_and_the_known_ones(tmp_path: Path):
    outcome = _campaign(tmp_path, {"recipes": ["no-such-recipe"]})
    assert outcome.exit_code == 2
    assert "campaign.yaml: unknown recipe 'no-such-recipe'" in outcome.output


def test_every_recipe_is_one_campaign_away():
    from reproduce.campaign import CampaignSpec, plan

    jobs = plan(CampaignSpec(recipes="all", executor="slurm"))
    assert {job.recipe.name for job in jobs} == set(RECIPES)
    assert len(jobs) == sum(len(recipe.seeds) * len(recipe.run_configs()) for recipe in RECIPES.values())


def test_the_readme_campaign_for_every_recipe_is_a_valid_spec(tmp_path: Path):
    import submitit

    from reproduce.campaign import CampaignSpec, plan

    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    text = readme.split("cat > every-recipe.yaml <<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
    spec = CampaignSpec.model_validate(yaml.safe_load(text))
    assert spec.executor == "slurm" and len(plan(spec)) == sum(
        len(r.seeds) * len(r.run_configs()) for r in RECIPES.values()
    )
    submitit.AutoExecutor(folder=tmp_path, cluster="local").update_parameters(**spec.resources)


@pytest.mark.skipif(shutil.which("srun") is not None, reason="this machine has Slurm")
def test_slurm_without_a_cluster_is_one_clear_line(tmp_path: Path, tiny_recipes: list[str]):
    outcome = _campaign(tmp_path, {"recipes": tiny_recipes[:1], "executor": "slurm"})
    assert outcome.exit_code == 1
    assert 'campaign.yaml: slurm: Could not detect "srun"' in outcome.output


def test_submitit_is_imported_without_closing_the_callers_logging_handlers():
    code = (
        "import logging, os\n"
        "class Handler(logging.Handler):\n"
        "    closed = False\n"
        "    def close(self):\n"
        "        Handler.closed = True\n"
        "logging.getLogger('notebook').addHandler(Handler())\n"
        "from reproduce.campaign import import_submitit\n"
        "import_submitit()\n"
        "assert not Handler.closed, 'submitit closed our handler'\n"
        "assert 'SUBMITIT_LOG_LEVEL' not in os.environ\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SUBMITIT_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_parallel_seeds_train_a_recipes_seeds_in_one_pass(tmp_path: Path, tiny_recipes: list[str], monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    outcome = _campaign(tmp_path, {"recipes": tiny_recipes[:1], "seeds": [0, 1]}, "--parallel-seeds", "2")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.split("summary:", 1)[1].count("finished         here, 2 at once") == 2, outcome.output
    [row] = sorted((tmp_path / "rows").glob("*.yaml"))
    [result] = PaperFile.model_validate(load_yaml_file(row)).results
    assert result.provenance is not None and result.provenance.seeds == [0, 1]


def test_quick_is_the_smoke_version_of_a_campaign() -> None:
    from reproduce.campaign import CampaignSpec

    spec = CampaignSpec(recipes=["a", "b"], seeds=[4, 5, 6], executor="slurm")
    assert spec.smoke() == spec.model_copy(update={"quick": True, "seeds": [4]})
    assert CampaignSpec(recipes="all").smoke().seeds == [0]
