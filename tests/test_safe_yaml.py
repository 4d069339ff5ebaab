"""Data files are plain YAML: no aliases, tags, duplicate keys or NUL bytes, bounded in size and depth, read the
same from any thread and by either parser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pruneatlas import paths, safe_yaml
from pruneatlas.safe_yaml import YamlError, load_yaml_file, load_yaml_text

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)]
)


def test_billion_laughs_is_refused_quickly():
    started = time.perf_counter()
    with pytest.raises(YamlError, match="anchors and aliases"):
        load_yaml_text(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0


def test_duplicate_keys_are_refused_with_their_line():
    with pytest.raises(YamlError, match=r"duplicate key 'year' \(lines 2, 3\)"):
        load_yaml_text("key: A2020B\nyear: 2020\nyear: 2021\n")


def test_oversized_files_are_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(safe_yaml, "MAX_FILE_BYTES", 1024)
    big = tmp_path / "Big2020File.yaml"
    big.write_text("notes: " + "x" * 2048, encoding="utf-8")
    with pytest.raises(YamlError, match="split it into one file per paper"):
        load_yaml_file(big)


def test_deep_nesting_is_refused():
    with pytest.raises(YamlError):
        load_yaml_text("[" * 20000 + "]" * 20000)


def test_non_utf8_is_refused(tmp_path: Path):
    path = tmp_path / "Latin2020File.yaml"
    path.write_bytes("title: Caf\xe9".encode("latin-1"))
    with pytest.raises(YamlError, match="not UTF-8"):
        load_yaml_file(path)


def test_a_shared_object_is_written_twice_not_as_an_alias():
    block = {"metric": "top1", "pruned": 93.1}
    text = safe_yaml.dump_yaml({"results": [{"accuracy": block}, {"accuracy": block}]})
    assert "&" not in text and "*" not in text
    assert load_yaml_text(text) == {"results": [{"accuracy": block}, {"accuracy": block}]}


def test_dump_then_load_gives_back_the_data():
    data = {"bibtex": "@misc{a,\n  title={T}\n}", "values": [93.26, "0.85M", ">93"], "unicode": "Léonardon"}
    assert load_yaml_text(safe_yaml.dump_yaml(data)) == data


@pytest.fixture(params=["libyaml", "pure-python"])
def loader_class(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Every guarantee holds with PyYAML's C parser and with its pure-Python fallback."""
    chosen = safe_yaml.LOADER if request.param == "libyaml" else yaml.SafeLoader
    monkeypatch.setattr(safe_yaml, "LOADER", chosen)
    return chosen


def _loads(text: str) -> object:
    return safe_yaml._loads(text, "<text>", safe_yaml.LOADER)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: &x 1\nb: 2\n", r"anchors and aliases .* \(line 1\)"),
        ("a: 1\nb: [*x]\n", r"anchors and aliases .* \(line 2\)"),
        ("a: !!str 5\n", r"tags .* not allowed"),
        ("a: ! 5\n", r"tags .* not allowed"),
        ("a: !!python/object:os.system x\n", r"tags .* not allowed"),
        ("a: !!map {b: 1}\n", r"tags .* not allowed"),
        ("x:\n  a: 1\n  b:\n    c: 1\n    c: 2\n", r"duplicate key 'c' \(lines 4, 5\)"),
        ("a: {c: 1, c: 2}\n", r"duplicate key 'c' \(line 1\)"),
        ("a: 1\n'a': 2\n", r"duplicate key 'a' \(lines 1, 2\)"),
        ("? [1]\n: 2\n", "a mapping key must be a plain value"),
        ("a: 1\n---\nb: 2\n", r"more than one document .* \(line 2\)"),
        ("key: A\n  b: [", r"not valid YAML at line 2, column 4"),
        ("a:\n" + "".join("  " * i + "- b:\n" for i in range(1, 80)), r"nested deeper than 64 levels"),
    ],
)
def test_what_plain_data_never_needs_is_refused_with_its_line(loader_class: type, text: str, reason: str):
    with pytest.raises(YamlError, match=reason):
        _loads(text)


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("93.26", 93.26), ("-0.5", -0.5), (".5", 0.5), ("1.", 1.0), ("1e3", 1000.0), ("1_000", 1000), ("007", 7),
        ("0x1F", 31), ("0o17", 15), ("'5'", "5"), ('"5"', "5"), ("~", None), ("", None), ("null", None),
        ("true", True), ("False", False), ("yes", "yes"), ("on", "on"), ("n", "n"), ("2020-01-02", "2020-01-02"),
        ("12:30", "12:30"), ("0.85M", "0.85M"), ("'>93'", ">93"), ("nan", "nan"), (".inf", float("inf")),
        ("9" * 310, int("9" * 310)), ("1e400", float("inf")), ("0b11", "0b11"), ("1.2.3", "1.2.3"),
    ],
)  # fmt: skip
def test_plain_scalars_read_as_yaml_1_2_core_schema(loader_class: type, scalar: str, value: object):
    assert _loads(f"a: {scalar}\n") == {"a": value}


def test_the_c_and_python_parsers_read_the_atlas_alike():
    for path in sorted(paths.PAPERS.glob("*.yaml"))[:40]:
        text = path.read_text(encoding="utf-8")
        assert safe_yaml._build(text, yaml.SafeLoader) == load_yaml_text(text), path


def test_a_nul_byte_is_refused_with_its_byte_offset(tmp_path: Path):
    path = tmp_path / "Nul2020File.yaml"
    path.write_bytes("key: Nul2020File\ntitle: Café\x00results: []\n".encode())
    with pytest.raises(YamlError, match=r"a NUL byte at byte offset 29 \(line 2\)"):
        load_yaml_file(path)
    with pytest.raises(YamlError, match=r"a NUL byte at byte offset 29 \(line 2\)"):
        load_yaml_text(path.read_text(encoding="utf-8"))


def test_special_files_are_refused_without_being_opened(tmp_path: Path):
    fifo = tmp_path / "Fifo2020File.yaml"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    with pytest.raises(YamlError, match="a FIFO"):
        load_yaml_file(fifo)
    (tmp_path / "Dir2020File.yaml").mkdir()
    with pytest.raises(YamlError, match="a folder"):
        load_yaml_file(tmp_path / "Dir2020File.yaml")
    (tmp_path / "Gone2020File.yaml").symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(YamlError, match="broken symbolic link"):
        load_yaml_file(tmp_path / "Gone2020File.yaml")


STREAMLIT_THREADING = """
import sys, threading
sys.path.insert(0, {root!r})
importer = threading.Thread(target=lambda: __import__("pruneatlas.loader"))
importer.start(); importer.join()
outcome = []
def rerun():
    from pruneatlas import paths
    from pruneatlas.loader import check_text, load_atlas
    from pruneatlas.safe_yaml import load_yaml_file
    parsed = [load_yaml_file(p) for p in sorted(paths.PAPERS.glob("*.yaml"))]
    outcome.append((len(parsed), len(load_atlas().papers), len(check_text("key: A\\n").problems)))
for _ in range(3):
    worker = threading.Thread(target=rerun)
    worker.start(); worker.join()
print(outcome)
sys.exit(0 if len(outcome) == 3 and all(parsed and papers for parsed, papers, _ in outcome) else 1)
"""


def test_parsing_from_a_thread_other_than_the_importing_one_works(atlas_dir: Path):
    """Streamlit imports modules in one script thread and runs later reruns in others."""
    from paper_factory import paper

    (atlas_dir / "papers" / "Li2017Pruning.yaml").write_text(safe_yaml.dump_yaml(paper()), encoding="utf-8")
    script = STREAMLIT_THREADING.format(root=str(paths.ROOT))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
