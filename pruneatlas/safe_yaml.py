"""YAML in and out, refusing what curated data never needs: anchors and aliases (the "billion laughs"),
duplicate keys (PyYAML silently keeps the last) and oversized files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pruneatlas.atomic import atomic_write_text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class YamlError(ValueError):
    """A file that cannot be read as plain YAML data; the message says where and why."""


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlError(f"line {node.start_mark.line + 1}: anchors and aliases (*name) are not allowed")
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlError(f"line {key_node.start_mark.line + 1}: mapping keys must be plain scalars")
            if key in seen:
                raise YamlError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        # Keys were constructed above; clear them so the parent constructor builds them once more cleanly.
        for key_node, _ in node.value:
            self.constructed_objects.pop(key_node, None)
        return super().construct_mapping(node, deep=deep)


def _too_deep(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest deeper than `limit` (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _loads(text: str, where: str) -> Any:
    try:
        data = yaml.load(text, Loader=StrictLoader)
        if _too_deep(data, MAX_DEPTH):
            raise YamlError(f"nested more than {MAX_DEPTH} levels deep; a paper file never needs that")
        return data
    except YamlError as exc:
        raise YamlError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{where}: not valid YAML: {exc}".replace("\n", " ")) from None
    except RecursionError:
        raise YamlError(f"{where}: nested too deeply to be a data file") from None


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
    """Multi-line strings (BibTeX) as literal blocks, so they read as they were written."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def write_yaml_file(path: Path, data: Any, header: str = "") -> None:
    atomic_write_text(path, header + dump_yaml(data))
