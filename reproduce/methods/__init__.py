"""The methods registry: name -> Method class (each with its own typed config).

Registering a method here adds it to `pruneatlas reproduce list`, to the config union and to the smoke
test that prunes a toy model with every registered method (tests/reproduce/test_methods_smoke.py).
"""

from __future__ import annotations

from reproduce.methods.at_init import Grasp, Snip, SynFlow
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.filters import FPGM, L1Filter
from reproduce.methods.gimp import LotteryTicket, LRRewinding, SGimp
from reproduce.methods.incop import InCoP
from reproduce.methods.magnitude import IterativeMagnitude, Magnitude
from reproduce.methods.random import RandomFilters, RandomWeights
from reproduce.methods.slimming import NetworkSlimming
from reproduce.methods.swd import SWD, SWDStructured
from reproduce.methods.tom import TOM
from reproduce.registry import Registry

METHODS: Registry[type[Method]] = Registry("method")
for _cls in (
    RandomWeights,
    RandomFilters,
    Magnitude,
    IterativeMagnitude,
    LotteryTicket,
    LRRewinding,
    SGimp,
    TOM,
    Snip,
    SynFlow,
    Grasp,
    L1Filter,
    NetworkSlimming,
    FPGM,
    SWD,
    SWDStructured,
    InCoP,
):
    METHODS.register(_cls.name, _cls)


def make_method(config: MethodConfig) -> Method:
    return METHODS.get(config.method)(config)


__all__ = ["METHODS", "Method", "MethodConfig", "make_method"]
