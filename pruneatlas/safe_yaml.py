"""YAML in and out, refusing what curated data never needs: anchors and aliases (the "billion laughs"),
duplicate keys (PyYAML silently keeps the last), deep nesting (yaml-rs stops at 256 levels) and oversized
files.

Reading uses yaml-rs (a Rust YAML 1.2 parser, about six times faster than PyYAML's C loader, which is what
lets a 100,000-row atlas build in seconds); writing uses PyYAML, quoting any string a YAML 1.2 reader would
take for another type, so what we write reads back unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from pruneatlas.atomic import atomic_write_text

MAX_FILE_BYTES = 5 * 1024 * 1024
NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Plain scalars that YAML 1.2 (or 1.1) resolves to something other than a string.
_NOT_A_STRING = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|0x[0-9a-fA-F]+|0o[0-7]+|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[0-9]{4}-[0-9]{2}-[0-9]{2}.*)$"
)


class YamlError(ValueError):
    """A file that cannot be read as plain YAML data; the message says where and why."""


def _reason(exc: Exception, text: str) -> str:
    message = " ".join(str(exc).split())
    if "alias replay limit" in message:
        return "anchors and aliases (*name) are not allowed"
    duplicate = re.search(r"duplicate mapping key: '(.*)'", message)
    if duplicate:
        key = re.escape(duplicate.group(1))
        lines = [
            n for n, line in enumerate(text.splitlines(), 1) if re.match(rf"^\s*(?:- )?['\"]?{key}['\"]?\s*:", line)
        ]
        where = f" (lines {', '.join(map(str, lines))})" if lines else ""
        return f"duplicate key '{duplicate.group(1)}'{where}"
    return f"not valid YAML: {message}"


def _loads(text: str, where: str) -> Any:
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=NO_ALIASES)
    except (yaml_rs.YAMLDecodeError, ValueError, RecursionError) as exc:
        raise YamlError(f"{where}: {_reason(exc, text)}") from None
    return data


def load_yaml_text(text: str, where: str = "<text>") -> Any:
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise YamlError(f"{where}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into one file per paper")
    return _loads(text, where)


def load_yaml_file(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlError(
            f"{path}: {size / 1024 / 1024:.1f} MiB is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB "
            "limit for a data file; split it into one file per paper"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return _loads(text, str(path))


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Multi-line strings (BibTeX) as literal blocks; strings that look like numbers, booleans or dates quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    style = "'" if _NOT_A_STRING.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def write_yaml_file(path: Path, data: Any, header: str = "") -> None:
    atomic_write_text(path, header + dump_yaml(data))
