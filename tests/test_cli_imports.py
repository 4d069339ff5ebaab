"""The command line imports what each command needs when it runs: starting it loads no pandas or pydantic."""

from __future__ import annotations

import ast
import subprocess
import sys

from pruneatlas import paths

HEAVY = ("pandas", "pydantic", "pyarrow", "yaml", "streamlit", "torch")


def _loaded(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=paths.ROOT)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_starting_the_command_line_loads_no_heavy_library() -> None:
    assert _loaded("import pruneatlas.cli") == []


def test_help_of_every_command_still_reads_its_choices_and_ranges() -> None:
    from click.testing import CliRunner

    from pruneatlas.cli import main

    runner = CliRunner()
    export_help = runner.invoke(main, ["export", "--help"]).output
    assert "[csv|parquet|json|latex|bibtex]" in export_help
    assert "1940<=x<=2100" in runner.invoke(main, ["new", "--help"]).output
