"""Bad input or a bad environment ends a command in one clear line and a non-zero exit, never a traceback
(unless asked for with --debug or PRUNEATLAS_DEBUG=1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper

from pruneatlas.cli import main


def _one_clear_line(args: list[str], env: dict[str, str] | None = None) -> str:
    outcome = CliRunner().invoke(main, args, env=env)
    assert outcome.exit_code != 0 and isinstance(outcome.exception, SystemExit), outcome.exception
    lines = outcome.output.strip().splitlines()
    assert "Traceback" not in outcome.output and lines, outcome.output
    return lines[-1]


@pytest.fixture
def atlas(write_paper: WritePaper) -> Path:
    return write_paper(paper())


@pytest.mark.parametrize("command", [["validate"], ["build"], ["query", "SELECT 1"], ["stats"]])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("/missing/atlas", "PRUNEATLAS_DATA: /missing/atlas does not exist"),
        (":", "PRUNEATLAS_DATA=':' names no folder"),
        ("{papers}:{papers}", "PRUNEATLAS_DATA names {papers} twice"),
        ("{atlas}:{papers}", "PRUNEATLAS_DATA names {papers} inside {atlas}"),
        ("{paper}", "PRUNEATLAS_DATA: {paper} is not a folder"),
    ],
)
def test_a_bad_data_path_is_one_line(atlas: Path, command: list[str], data: str, message: str):
    names = {"papers": str(atlas.parent), "atlas": str(atlas.parent.parent), "paper": str(atlas)}
    line = _one_clear_line(command, {"PRUNEATLAS_DATA": data.format(**names)})
    assert line.startswith("Error: " + message.format(**names))


@pytest.mark.parametrize("command", [["build"], ["query", "SELECT 1"], ["export", "--format", "csv", "-o", "x.csv"]])
@pytest.mark.parametrize("cache", ["{paper}", "/dev/null"])
def test_a_cache_that_is_not_a_folder_is_one_line(atlas: Path, command: list[str], cache: str):
    cache = cache.format(paper=atlas)
    line = _one_clear_line(command, {"PRUNEATLAS_CACHE": cache})
    assert line == f"Error: PRUNEATLAS_CACHE={cache} is not a folder; point PRUNEATLAS_CACHE at a folder for the builds"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--author", "", "--title", "", "--year", "2017"], "Invalid value for '--author': must not be empty"),
        (["--author", "Hao Li", "--title", "  ", "--year", "2017"], "Invalid value for '--title': must not be empty"),
        (["--author", "Hao Li", "--title", "Pruning", "--year", "99999"], "99999 is not in the range 1940<=x<=2100"),
    ],
)
def test_new_refuses_what_cannot_make_a_paper_file(atlas: Path, args: list[str], message: str):
    assert message in _one_clear_line(["new", *args])


def test_an_unexpected_error_is_one_line_and_its_traceback_is_behind_debug(atlas: Path, monkeypatch):
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("pruneatlas.loader.load_atlas", broken)
    line = _one_clear_line(["build"])
    assert line == "Error: ZeroDivisionError: division by zero (run `pruneatlas --debug ...` for the traceback)"
    for args, env in ((["--debug", "build"], None), (["build"], {"PRUNEATLAS_DEBUG": "1"})):
        outcome = CliRunner().invoke(main, args, env=env)
        assert isinstance(outcome.exception, ZeroDivisionError)
