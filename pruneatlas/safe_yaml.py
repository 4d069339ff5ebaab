"""YAML in and out, refusing what curated data never needs: anchors and aliases (the "billion laughs"), tags,
duplicate keys (PyYAML silently keeps the last), deep nesting, NUL bytes and oversized files.

Reading uses PyYAML's libyaml-backed C parser (the pure-Python one where libyaml is missing), thread-safe and
well kept. We build the Python values from its event stream ourselves rather than through PyYAML's composer
and constructor: one pass that refuses anchors, tags and duplicate keys as they come, resolves plain scalars
as YAML 1.2's core schema does (`yes`, `on` and dates stay strings) and is about twice as fast as
`yaml.load`. Writing quotes any string a reader would take for another type, so what we write reads back
unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from pruneatlas.atomic import atomic_write_text
from pruneatlas.data_files import NotARegularFile, read_regular

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Plain scalars that YAML 1.2 (or 1.1) resolves to something other than a string.
_NOT_A_STRING = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|0x[0-9a-fA-F]+|0o[0-7]+|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[0-9]{4}-[0-9]{2}-[0-9]{2}.*)$"
)
# What a plain (unquoted) scalar means: YAML 1.2's core schema, digits may be grouped with `_`. A decimal with
# neither a fraction nor an exponent (no group takes part in the match) is an integer, any other a float.
_DECIMAL = re.compile(r"[-+]?(?:(\.)[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_BASED_INT = re.compile(r"0x[0-9a-fA-F]+|0o[0-7]+")
_NUMBER_START = frozenset("0123456789+-.")
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", "+.inf", ".Inf", "+.Inf", ".INF", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
}


class YamlError(ValueError):
    """A file that cannot be read as plain YAML data; the message says where and why."""


class _Refused(Exception):
    """Something the parser accepts and we do not; `line` is 1-based."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


class _DuplicateKey(Exception):
    """A mapping with a key twice; the fast pass does not know the lines (`_duplicate_lines` finds them)."""


def _number(text: str) -> Any:
    """The value of an unquoted scalar that starts as a number does (one match tells an int from a float)."""
    decimal = _DECIMAL.fullmatch(text)
    if decimal is not None:
        return float(text.replace("_", "")) if decimal.lastindex else int(text.replace("_", ""))
    if _BASED_INT.fullmatch(text):
        return int(text, 0)
    return text


def _plain(text: str) -> Any:
    """The value of an unquoted scalar."""
    if text in _WORDS:
        return _WORDS[text]
    return _number(text) if text[0] in _NUMBER_START else text


def _refuse_marked(event: Any) -> None:
    line = event.start_mark.line + 1
    if isinstance(event, AliasEvent) or event.anchor is not None:
        raise _Refused("anchors and aliases (&name, *name) are not allowed", line)
    raise _Refused(f"tags ({event.tag}) are not allowed; write the plain value", line)


def _build(text: str | bytes, loader_class: type) -> Any:
    """The document's value, built from the parser's events in one pass.

    Every collection is collected as a flat list (a mapping's keys and values alternate) and a mapping becomes
    a dict at its end, which keeps the per-event work to an append: this loop is the hot path of a build.
    """
    loader = loader_class(text)
    get_event = loader.get_event
    current: list[Any] = []
    append = current.append
    parents: list[list[Any]] = []
    starts: list[int] = []
    documents = 0
    try:
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_marked(event)
                value = event.value
                if event.implicit[0]:
                    if value in _WORDS:
                        value = _WORDS[value]
                    elif value[0] in _NUMBER_START:
                        try:
                            value = _number(value)
                        except ValueError:  # Python refuses to convert more than 4300 digits
                            raise _Refused(
                                f"a number of {len(value)} digits is too long to read", event.start_mark.line + 1
                            ) from None
                append(value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_marked(event)
                if len(parents) >= MAX_DEPTH:
                    raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
                parents.append(current)
                starts.append(event.start_mark.line + 1)
                current = []
                append = current.append
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = current
                line = starts.pop()
                if kind is MappingEndEvent:
                    try:
                        value = dict(zip(current[::2], current[1::2], strict=True))
                    except TypeError:
                        raise _Refused("a mapping key must be a plain value, not a list or a mapping", line) from None
                    if 2 * len(value) != len(current):
                        raise _DuplicateKey
                current = parents.pop()
                append = current.append
                append(value)
            elif kind is AliasEvent:
                _refuse_marked(event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused("more than one document (---) in one file", event.start_mark.line + 1)
            elif kind is StreamEndEvent:
                return current[0] if current else None
    finally:
        loader.dispose()


def _key_value(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return id(node)
    return _plain(node.value) if node.style in (None, "") and node.value else node.value


def _duplicate_lines(text: str | bytes, loader_class: type) -> str:
    """`key (lines a, b)` for the first duplicate key: the slow path, taken only for a file that has one."""
    pending = [yaml.compose(text, Loader=loader_class)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = _key_value(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    return f"'{key}' (" + (f"lines {seen[key]}, {line}" if seen[key] != line else f"line {line}") + ")"
                seen[key] = line
                pending.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    raise AssertionError("a duplicate key seen once is seen again")


def _located(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"not valid YAML{where}: {problem}"


def _loads(text: str, where: str, loader_class: type = LOADER) -> Any:
    nul = text.find("\0")
    if nul >= 0:
        offset = len(text[:nul].encode("utf-8"))
        line = text.count("\n", 0, nul) + 1
        raise YamlError(f"{where}: a NUL byte at byte offset {offset} (line {line}); a data file is plain text")
    return _parsed(text, where, loader_class)


def _parsed(text: str | bytes, where: str, loader_class: type = LOADER) -> Any:
    """The value of a text without NUL bytes (or its UTF-8 bytes, which the parser reads without re-encoding)."""
    try:
        return _build(text, loader_class)
    except _Refused as exc:
        raise YamlError(f"{where}: {exc.reason} (line {exc.line})") from None
    except _DuplicateKey:
        raise YamlError(f"{where}: duplicate key {_duplicate_lines(text, loader_class)}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{where}: {_located(exc)}") from None
    except RecursionError:
        raise YamlError(f"{where}: nested too deeply") from None


def load_yaml_text(text: str, where: str = "<text>") -> Any:
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise YamlError(f"{where}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it into one file per paper")
    return _loads(text, where)


def read_data_bytes(path: Path) -> bytes:
    """A data file's bytes, refusing special files (never opened, so a FIFO cannot hang us) and oversized ones
    (reading no more than the limit)."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotARegularFile as exc:
        raise YamlError(f"{path}: {exc}") from None
    except OSError as exc:
        raise YamlError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        size = max(len(data), path.stat().st_size)
        raise YamlError(
            f"{path}: {size / 1024 / 1024:.1f} MiB is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit "
            "for a data file; split it into one file per paper"
        )
    return data


def load_yaml_file(path: Path) -> Any:
    data = read_data_bytes(path)
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise YamlError(f"{path}: a NUL byte at byte offset {nul} (line {line}); a data file is plain text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return _parsed(data, str(path))


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Multi-line strings (BibTeX) as literal blocks; strings that look like numbers, booleans or dates quoted;
    an object met twice written out twice, never as an anchor and an alias, which reading refuses."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


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
