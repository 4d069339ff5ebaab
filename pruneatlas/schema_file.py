"""schema/results.schema.json: the language-neutral contract, generated from the pydantic models."""

from __future__ import annotations

import json

from pruneatlas import paths
from pruneatlas.atomic import atomic_write_text
from pruneatlas.models import PaperFile

SCHEMA_PATH = paths.SCHEMA / "results.schema.json"


def render() -> str:
    schema = PaperFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/pruneatlas/pruneatlas/schema/results.schema.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write() -> None:
    atomic_write_text(SCHEMA_PATH, render())


def is_current() -> bool:
    return SCHEMA_PATH.exists() and SCHEMA_PATH.read_text(encoding="utf-8") == render()
