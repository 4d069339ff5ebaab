"""Where a result came from: code version, library versions, hardware (STYLE.md, 9)."""

from __future__ import annotations

import functools
import os
import platform
import subprocess
from importlib import metadata

from pruneatlas import paths

LIBRARIES = ("torch", "torchvision", "torch-pruning", "numpy", "scikit-learn", "pydantic", "pruneatlas")


@functools.cache
def git_sha() -> str:
    """HEAD of the repository, with '-dirty' when reproduce/ has uncommitted changes; 'unknown' outside git."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "reproduce"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware(device: str) -> str:
    import torch

    cpu = f"{_cpu_name()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads"
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(torch.device(device))}; {cpu}"
    return f"CPU: {cpu}"
