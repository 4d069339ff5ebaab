"""Data files are plain YAML: no aliases, no duplicate keys, bounded in size; and writes are atomic."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pruneatlas import safe_yaml
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


def test_dump_then_load_gives_back_the_data():
    data = {"bibtex": "@misc{a,\n  title={T}\n}", "values": [93.26, "0.85M", ">93"], "unicode": "Léonardon"}
    assert load_yaml_text(safe_yaml.dump_yaml(data)) == data
