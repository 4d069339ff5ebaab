"""A run's folder: its config, log, checkpoints and final metrics, every file written atomically.

<runs>/<method>-<arch>-<dataset>-<hash12>/
    config.json      the full config (and its hash) the folder is named by
    metrics.json     written last: its presence with status "finished" means the run is done
    log.txt          one line per epoch and per event (rewritten atomically, never appended)
    checkpoints/     <phase>.pt after every epoch; a finished phase's file holds its end state
    snapshots/       weights saved at a step for rewinding (<phase>@<step>.pt)
<runs>/_dense/<hash12>/  the dense training shared by every method and sparsity with the same
                     architecture, data, training and seed
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path
from typing import Any

import torch

from pruneatlas.atomic import atomic_write_bytes, atomic_write_text


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "x"


def save_torch(path: Path, obj: Any) -> None:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_torch(path: Path) -> Any:
    return torch.load(path, map_location="cpu", weights_only=False)


class RunDir:
    """One folder, named by a config hash."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._log: list[str] | None = None

    @property
    def config_file(self) -> Path:
        return self.path / "config.json"

    @property
    def metrics_file(self) -> Path:
        return self.path / "metrics.json"

    def checkpoint(self, phase: str) -> Path:
        return self.path / "checkpoints" / f"{safe_name(phase)}.pt"

    def snapshot(self, phase: str, step: int) -> Path:
        return self.path / "snapshots" / f"{safe_name(phase)}@{step}.pt"

    def write_json(self, path: Path, data: dict[str, Any]) -> None:
        atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")

    def finished_json(self) -> dict[str, Any] | None:
        """metrics.json as stored, if this run completed, else None (run_result.finished reads it typed)."""
        if not self.metrics_file.exists():
            return None
        data = json.loads(self.metrics_file.read_text())
        return data if data.get("status") == "finished" else None

    def log(self, message: str) -> None:
        if self._log is None:
            log_file = self.path / "log.txt"
            self._log = log_file.read_text().splitlines() if log_file.exists() else []
        self._log.append(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {message}")
        atomic_write_text(self.path / "log.txt", "\n".join(self._log) + "\n")
