"""Run identity: the canonical JSON of a config's identity (defaults left out) and its sha256, and what several
runs share, built one way: the identity with the keys they may differ in dropped.

A leaf module (standard library only), so the config, the run context and the rows all hash the same way without
importing one another.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from typing import Any


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def shared(identity: dict[str, Any], drop: Sequence[str]) -> dict[str, Any]:
    """What every run whose identity differs from `identity` only in the `drop` keys has in common (dotted keys
    reach into nested settings, e.g. "method.ticket_control")."""
    out = copy.deepcopy(identity)
    for key in drop:
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.get(part, {})
        node.pop(leaf, None)
    return out
