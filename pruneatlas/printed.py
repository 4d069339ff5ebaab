"""A number exactly as a paper printed it: value, bound qualifier and the precision its digits imply.

Papers write "93.26", "over 93 %", "about 94 %", "0.85M" or "4.1 G". Keeping the printed form lets the
checks allow for the paper's own rounding, lets a reader see "> 93" instead of a fabricated 93.0, and
lets the export round-trip to the same YAML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

Qualifier = Literal["=", "~", ">", ">=", "<", "<="]

SI_SUFFIXES = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "B": 1e9}
# Every qualifier the pattern below reads, as stored (the Unicode signs in their ASCII spelling).
_QUALIFIER_SPELLINGS: dict[str, Qualifier] = {
    "=": "=", "~": "~", ">": ">", ">=": ">=", "<": "<", "<=": "<=", "≥": ">=", "≤": "<=", "≈": "~"
}  # fmt: skip
TEXT_PATTERN = r"^\s*(~|≈|>=|<=|≥|≤|>|<)?\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*[KMGTB]?\s*$"
_TEXT = re.compile(
    r"^\s*(?P<q>~|≈|>=|<=|≥|≤|>|<)?\s*(?P<num>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*(?P<si>[KMGTB])?\s*$"
)
APPROX_RELATIVE = 0.03
# Parsed numbers by (type, raw value): a Printed is immutable, and an atlas prints the same few thousand numbers
# again and again, so parsing each once spares most of the work of validating a file. Float zeros are never
# kept (0.0 and -0.0 are one key but print differently); the cache starts again when it is full.
_PARSED: dict[tuple[type, Any], Printed] = {}
MAX_PARSED = 200_000


def _half_unit(digits: str) -> float:
    """Half of one unit in the last printed digit: "93.26" -> 0.005, "431" -> 0.5, "1.2e6" -> 5e4."""
    mantissa, _, exponent = digits.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


@dataclass(frozen=True)
class Printed:
    """One printed number. `text` is kept only when the paper's form is not a plain number."""

    value: float
    qualifier: Qualifier = "="
    half_unit: float = 0.0
    text: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> Printed:
        """The printed number `raw` (a YAML number or a string such as '>93' or '0.85M') stands for."""
        if isinstance(raw, Printed):
            return raw
        key = (raw.__class__, raw)
        try:
            return _PARSED[key]
        except KeyError:
            printed = cls._parse(raw)
        except TypeError:  # unhashable: a list or a mapping, which _parse refuses
            return cls._parse(raw)
        if raw or not isinstance(raw, float):
            if len(_PARSED) >= MAX_PARSED:
                _PARSED.clear()
            _PARSED[key] = printed
        return printed

    @classmethod
    def _parse(cls, raw: Any) -> Printed:
        if isinstance(raw, bool):
            raise ValueError("expected a number, got a boolean")
        if isinstance(raw, int):
            try:
                return cls(float(raw), "=", 0.5)
            except OverflowError:
                raise ValueError("too large for a number (beyond 1.8e308)") from None
        if isinstance(raw, float):
            if not math.isfinite(raw):
                raise ValueError(f"expected a finite number, got {raw}")
            return cls(raw, "=", _half_unit(repr(raw)))
        if isinstance(raw, str):
            match = _TEXT.match(raw)
            if not match:
                raise ValueError(
                    f"cannot read {raw!r} as a printed number; write e.g. 93.26, '>93', '~94', '0.85M', '4.1G'"
                )
            qualifier = _QUALIFIER_SPELLINGS[match["q"] or "="]
            scale = SI_SUFFIXES[match["si"]] if match["si"] else 1.0
            value = float(match["num"]) * scale
            if not math.isfinite(value):
                raise ValueError(f"expected a finite number, got {raw!r}")
            return cls(value, qualifier, _half_unit(match["num"]) * scale, raw.strip())
        raise ValueError(f"expected a number or a printed-number string, got {type(raw).__name__}")

    @property
    def exact(self) -> bool:
        return self.qualifier == "="

    def interval(self) -> tuple[float, float]:
        """The values the printed text is compatible with (rounding, bounds, 'about')."""
        v, h = self.value, self.half_unit
        if self.qualifier == "=":
            return (v - h, v + h)
        if self.qualifier == "~":
            width = max(2 * h, APPROX_RELATIVE * abs(v))
            return (v - width, v + width)
        if self.qualifier in (">", ">="):
            return (v - h, math.inf)
        return (-math.inf, v + h)

    def to_yaml(self) -> float | int | str:
        if self.text is not None:
            return self.text
        return int(self.value) if self.half_unit == 0.5 and self.value.is_integer() else self.value

    def __str__(self) -> str:
        return str(self.to_yaml())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(raw: Any) -> Printed:
            try:
                return cls.parse(raw)
            except ValueError as exc:
                raise PydanticCustomError("printed_number", str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda p: p.to_yaml())
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": TEXT_PATTERN}],
            "description": "A number as printed: plain, or text with a bound (>, >=, <, <=, ~) and an SI suffix",
        }
