"""The command line: list, run (flags or a config file), sweep, recipes; errors exit non-zero."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pruneatlas import paths
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.commands import group
from reproduce.methods import METHODS
from reproduce.recipes import RECIPES
from reproduce.rerun_rows import validation_errors


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def test_list_prints_one_registered_method_per_line() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == METHODS.names()


def test_the_done_when_command_writes_a_valid_row_in_well_under_a_minute(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = invoke(
        "run",
        "--method",
        "magnitude",
        "--arch",
        "mlp",
        "--dataset",
        "digits",
        "--sparsity",
        "0.9",
        "--epochs",
        "3",
        "--seed",
        "0",
        "--out",
        str(tmp_path / "out"),
        "--runs-dir",
        str(tmp_path / "runs"),
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 60
    [row] = list((tmp_path / "out").glob("*.yaml"))
    assert validation_errors(row) == []
    assert "weights sparsity 0.9000" in result.output


def test_run_from_a_config_file_with_several_seeds(tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text(
        "method: {method: snip}\narch: mlp\ndataset: digits\nsparsity: 0.8\ntraining: {epochs: 1}\nseeds: [0, 1]\n"
    )
    result = invoke(
        "run", "--config", str(config), "--out", str(tmp_path / "out"), "--runs-dir", str(tmp_path / "runs"), "-q"
    )
    assert result.exit_code == 0, result.output
    [row] = list((tmp_path / "out").glob("*.yaml"))
    [entry] = PaperFile.model_validate(load_yaml_file(row)).results
    assert entry.conditions.num_runs == 2 and entry.method == "snip" and entry.schedule == "at_init"


def test_sweep_writes_one_result_per_sparsity(tmp_path: Path) -> None:
    result = invoke(
        "sweep",
        "--method",
        "random",
        "--arch",
        "mlp",
        "--dataset",
        "digits",
        "-s",
        "0.3",
        "-s",
        "0.6",
        "--epochs",
        "1",
        "-p",
        "finetune_epochs=1",
        "--out",
        str(tmp_path / "out"),
        "--runs-dir",
        str(tmp_path / "runs"),
        "-q",
    )
    assert result.exit_code == 0, result.output
    [row] = list((tmp_path / "out").glob("*.yaml"))
    assert len(PaperFile.model_validate(load_yaml_file(row)).results) == 2


def test_a_diverging_run_exits_with_an_error_and_writes_no_row(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        group,
        [
            "run",
            "-m",
            "magnitude",
            "-a",
            "mlp",
            "-s",
            "0.5",
            "--epochs",
            "2",
            "--train",
            "lr=1e12",
            "--out",
            str(tmp_path / "out"),
            "--runs-dir",
            str(tmp_path / "runs"),
            "-q",
        ],
    )
    assert result.exit_code == 1
    assert "diverged" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.yaml"))


def test_bad_names_are_usage_errors_listing_the_valid_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(group, ["run", "-m", "snp", "-a", "mlp", "-s", "0.5", "--runs-dir", str(tmp_path)])
    assert result.exit_code == 2 and "valid methods" in result.output


def test_recipes_name_their_claim_source_and_target_and_build_valid_configs() -> None:
    result = invoke("recipes")
    assert result.exit_code == 0
    for name, recipe in RECIPES.items():
        assert name in result.output
        assert recipe.claim and recipe.source
        assert recipe.target is None or recipe.target.count("/") == 1
        recipe.run_configs(quick=False)
        recipe.run_configs(quick=True)
    assert "Tessier2022Rethinking/t4-lenet5-t99-amin1e-2-amax1e4" in result.output


def test_the_base_cli_does_not_import_torch() -> None:
    code = "import sys, pruneatlas.cli; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, check=True)


@pytest.mark.skipif(not (paths.ROOT / "pruneatlas" / "cli.py").exists(), reason="no base CLI")
def test_reproduce_is_reachable_from_the_base_cli_when_registered() -> None:
    from pruneatlas import cli

    base = getattr(cli, "main", None) or getattr(cli, "cli", None)
    names = getattr(base, "list_commands", lambda _ctx: [])(None) if base is not None else []
    if "reproduce" not in names:
        pytest.skip("pruneatlas/cli.py does not register `reproduce` yet")
    result = CliRunner().invoke(base, ["reproduce", "list"])
    assert result.exit_code == 0 and "magnitude" in result.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (paths.ROOT / "reproduce" / "README.md").read_text()
    names = [f"pruneatlas reproduce {name}" for name in group.commands]
    names += [f"pruneatlas reproduce recipes {name}" for name in group.commands["recipes"].commands]
    missing = [name for name in names if name not in readme]
    assert not missing, f"undocumented in reproduce/README.md: {missing}"


CONFIG = "method: {method: magnitude}\narch: mlp\ndataset: digits\nsparsity: 0.5\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CONFIG + "arch: mlp\n", "duplicate key 'arch' (lines 2, 5)"),
        (CONFIG + "seeds: [-5]\n", "seed: Input should be greater than or equal to 0"),
        (CONFIG + "seeds: abc\n", "seeds: a non-empty list of integers, got 'abc'"),
        (CONFIG + "training: {epochs: 0}\n", "training: epochs must be at least 1, got 0"),
    ],
    ids=["duplicate-key", "negative-seed", "string-seeds", "zero-epochs"],
)
def test_a_bad_config_file_is_one_line_naming_it(text: str, message: str, tmp_path: Path) -> None:
    from pruneatlas.cli import main

    config = tmp_path / "run.yaml"
    config.write_text(text)
    result = CliRunner().invoke(main, ["reproduce", "run", "--config", str(config), "--runs-dir", str(tmp_path)])
    assert result.exit_code == 2 and not (tmp_path / "runs").exists()
    assert f"Error: {config}: {message}" in result.output and "vocabularies" not in result.output


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--epochs", "0"], "training: epochs must be at least 1, got 0"),
        (["--seed", "-5"], "seed: Input should be"),
        (["--param", "x=[1,"], "Invalid value for --param: 'x=[1,': no setting 'x' here; known: "),
        (["--train", "lr=fast"], "Invalid value for --train: 'lr=fast': Input should be a valid number"),
        (["--train", "milestones=[0.5,"], "Invalid value for --train: 'milestones=[0.5,': Input should be a valid"),
    ],
)
def test_bad_flags_are_one_line(flags: list[str], message: str, tmp_path: Path) -> None:
    where = ["--out", str(tmp_path / "out"), "--runs-dir", str(tmp_path / "runs")]
    result = CliRunner().invoke(group, ["run", "-m", "magnitude", "-a", "mlp", "-s", "0.5", *flags, *where])
    assert result.exit_code == 2 and result.output.strip().splitlines()[-1].startswith("Error: ")
    assert message in result.output


def test_key_value_settings_are_read_as_their_fields_type() -> None:
    from reproduce.config_input import parse_pairs
    from reproduce.datasets import DataOptions
    from reproduce.hparams import TrainingConfig

    pairs = ["lr=0.05", "milestones=[0.5,0.75]", "nesterov=true", "optimizer=sgd"]
    training = parse_pairs(pairs, "--train", TrainingConfig)
    assert training == {"lr": 0.05, "milestones": [0.5, 0.75], "nesterov": True, "optimizer": "sgd"}
    assert parse_pairs(["path=2024", "resize=null"], "--data-option", DataOptions) == {"path": "2024", "resize": None}
