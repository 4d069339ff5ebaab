"""The command-line reference (docs/cli.md) covers every command and is current; the README opens with the two
commands a new user runs and states what the code registers."""

from __future__ import annotations

import re

import click
import pytest

from pruneatlas import cli_reference, paths
from pruneatlas.cli import main

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths() -> list[str]:
    root = click.Context(main, info_name="pruneatlas")
    return [path for path, _, _ in cli_reference.commands(main, root)]


@pytest.mark.parametrize("command", _command_paths())
def test_every_command_has_its_section_in_the_cli_reference(command: str):
    assert f"## `{command}`" in cli_reference.REFERENCE.read_text(encoding="utf-8"), "run `pruneatlas docs`"


def test_the_cli_reference_is_generated_from_the_current_help():
    assert cli_reference.is_current(main), "docs/cli.md is stale: run `pruneatlas docs`"


def test_the_reference_reaches_the_lazily_loaded_groups():
    paths_ = _command_paths()
    assert "pruneatlas reproduce recipes run" in paths_ and "pruneatlas import table" in paths_


def test_the_readme_links_the_reference():
    assert "docs/cli.md" in README


def test_the_readme_counts_the_registered_methods():
    from reproduce.methods import METHODS

    stated = re.search(r"pruneatlas reproduce list +# (\d+) methods", README)
    assert stated is not None and int(stated[1]) == len(METHODS.names())


def test_readme_starts_with_the_install_and_run_and_the_test_commands():
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first_block) == 2
    assert first_block[0].endswith("streamlit run app.py")
    assert first_block[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    test_command = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()[1]
    assert test_command in (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
