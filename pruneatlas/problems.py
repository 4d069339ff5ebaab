"""A problem found in the data, located precisely enough to fix without searching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
WHOLE_FILE = "-"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    result: str
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{self.file}: {self.result}: {self.field}: {self.message}"
