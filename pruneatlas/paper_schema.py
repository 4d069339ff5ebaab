"""A parsed paper file checked against the schema (models.PaperFile): pydantic's errors become one
`file: result: field: message` problem each, located by the result's id when it has one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from pruneatlas.models import PaperFile
from pruneatlas.problems import WHOLE_FILE, Problem

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

# The lists of a paper file whose entries are results with ids of their own (accuracy results, cost claims).
RESULT_LISTS = ("results", "cost_claims")


def _result_label(raw: Any, kind: str, index: int) -> str:
    try:
        label = raw[kind][index]["id"]
    except (KeyError, IndexError, TypeError):
        label = None
    return label if isinstance(label, str) and label else f"{kind}[{index}]"


def _message(error: ErrorDetails) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown field (not in the schema; check its spelling)"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    value = error.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"{msg} (got {shown[:80]})"


def validation_problems(label: str, raw: Any, exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as file: result: field: message lines."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        result = WHOLE_FILE
        if len(loc) >= 2 and loc[0] in RESULT_LISTS and isinstance(loc[1], int):
            result = _result_label(raw, str(loc[0]), loc[1])
            loc = loc[2:]
        field_name = ".".join(str(part) for part in loc) or "(file)"
        problems.append(Problem(label, result, field_name, _message(error)))
    return problems


def parse_paper(raw: Any, label: str) -> tuple[PaperFile | None, list[Problem]]:
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else type(raw).__name__
        return None, [
            Problem(label, WHOLE_FILE, "(file)", f"expected a mapping with key, title, results ...; got {kind}")
        ]
    try:
        return PaperFile.model_validate(raw), []
    except ValidationError as exc:
        return None, validation_problems(label, raw, exc)
