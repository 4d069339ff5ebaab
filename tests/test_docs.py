"""The README documents every command, and opens with the two commands a new user runs."""

from __future__ import annotations

import click
import pytest

from pruneatlas import paths
from pruneatlas.cli import main

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str) -> list[str]:
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        if name == "reproduce":
            found.append(f"{prefix} {name}")
            continue
        command = group.get_command(ctx, name)
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize("command", _commands(main, "pruneatlas"))
def test_every_command_is_documented_in_the_readme(command: str):
    assert command in README


def test_readme_starts_with_the_install_and_run_and_the_test_commands():
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first_block) == 2
    assert first_block[0].endswith("streamlit run app.py")
    assert first_block[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    test_command = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()[1]
    assert test_command in (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
