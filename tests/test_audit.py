"""`pruneatlas audit`: a reproducible sample of rows, or the rows a change adds, each with what to check."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas.audit import changed_ids, sample
from pruneatlas.cli import main
from pruneatlas.safe_yaml import dump_yaml

ROWS = [
    result(id=f"r{i}", method_label=f"ResNet-56-pruned-{i}", accuracy={"metric": "top1_err", "pruned": 6.0 + i / 10},
           params={"removed_pct": 9.4}, flops={"removed_pct": 10.4},
           source={"locator": f"Table {i}", "extraction": "table", "quote": f"pruned-{i} {6.0 + i / 10:.1f} 9.4 10.4"})
    for i in range(8)
]  # fmt: skip


def _audit(*args: str) -> str:
    outcome = CliRunner().invoke(main, ["audit", *args])
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def test_an_audit_shows_each_rows_address_locator_quote_and_numbers(write_paper: WritePaper):
    write_paper(paper(url="https://arxiv.org/abs/1608.08710v3", results=ROWS[:1]))
    shown = _audit("--sample", "5")
    assert "[1/1] Li2017Pruning/r0" in shown
    assert "source:  https://arxiv.org/abs/1608.08710v3" in shown
    assert "where:   Table 0 (table)" in shown
    assert "quote:   pruned-0 6.0 9.4 10.4" in shown
    assert "check:   accuracy.pruned 6.0 | params.removed_pct 9.4 | flops.removed_pct 10.4" in shown


def test_the_same_seed_picks_the_same_rows_and_another_seed_others(write_paper: WritePaper):
    write_paper(paper(results=ROWS))
    first, again = _audit("--sample", "3", "--seed", "7"), _audit("--sample", "3", "--seed", "7")
    other = _audit("--sample", "3", "--seed", "8")
    assert first == again and first != other and first.count("check:") == 3
    assert sample([f"r{i}" for i in range(8)], 3, 7) == sample([f"r{i}" for i in reversed(range(8))], 3, 7)


def test_where_restricts_the_rows_audited(write_paper: WritePaper):
    write_paper(paper(results=ROWS))
    shown = _audit("--sample", "8", "--where", "locator = 'Table 3'")
    assert shown.count("check:") == 1 and "Li2017Pruning/r3" in shown


def test_a_bad_where_or_revision_is_one_clear_error(write_paper: WritePaper):
    write_paper(paper(results=ROWS))
    for args in (["--where", "no_such_column = 1"], ["--where", "1=1; DROP TABLE papers"], ["--changed-since", "x"]):
        outcome = CliRunner().invoke(main, ["audit", *args])
        assert outcome.exit_code != 0 and "Traceback" not in outcome.output and outcome.output.startswith("Error:")


def _git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def test_changed_since_lists_the_rows_a_change_adds_or_edits(tmp_path: Path):
    papers = tmp_path / "data" / "papers"
    papers.mkdir(parents=True)
    target = papers / "Li2017Pruning.yaml"
    target.write_text(dump_yaml(paper(results=ROWS[:3])), encoding="utf-8")
    (papers / "He2019Filter.yaml").write_text(dump_yaml(paper(key="He2019Filter", results=ROWS[:1])), "utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    edited = [ROWS[0], {**ROWS[1], "notes": "edited"}, ROWS[2], ROWS[5]]
    target.write_text(dump_yaml(paper(results=edited)), encoding="utf-8")
    (papers / "Ding2019Global.yaml").write_text(dump_yaml(paper(key="Ding2019Global", results=ROWS[:1])), "utf-8")
    _git(tmp_path, "add", "-N", ".")
    assert changed_ids("HEAD", tmp_path) == ["Ding2019Global/r0", "Li2017Pruning/r1", "Li2017Pruning/r5"]
