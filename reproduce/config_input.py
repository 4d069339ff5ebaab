"""Run configs from what a person types: key=value pairs on the command line, or a YAML/JSON config file.

Every problem is one `ConfigInputError` line naming the option or the file and the field; the command line turns
it into a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from pruneatlas.safe_yaml import YamlError, load_yaml_file
from reproduce.config import RunConfig, make_config
from reproduce.datasets import DataOptions
from reproduce.hparams import TrainingConfig
from reproduce.methods import METHODS
from reproduce.models import MODELS
from reproduce.registry import UnregisteredName


class ConfigInputError(ValueError):
    """A config that cannot be built as typed; `option` names the command-line option at fault, if one is."""

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def parse_pairs(pairs: Sequence[str], what: str, model: type[BaseModel]) -> dict[str, Any]:
    """key=value pairs, each value read as the type of its field in `model` (the method's, the training's, the
    architecture's or the data's config): lr=0.05, widths=[400,400], scope=global. A key that is not a field, or a
    value its field cannot hold, is one error naming the key."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigInputError(f"expected key=value, got {pair!r}", what)
        name = key.strip().replace("-", "_")
        field = model.model_fields.get(name)
        if field is None:
            known = ", ".join(n for n in model.model_fields if n != "method") or "none"
            raise ConfigInputError(f"{pair!r}: no setting {name!r} here; known: {known}", what)
        out[name] = _typed(field.annotation, value, pair, what)
    return out


def _typed(annotation: Any, text: str, pair: str, what: str) -> Any:
    """The text as the field's type: read as it is first (a number, a word, a name), else as JSON (a list, a
    mapping, null)."""
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    try:
        return adapter.validate_python(text)
    except ValidationError as exc:
        first = exc
    try:
        return adapter.validate_json(text)
    except ValidationError:
        reasons = "; ".join(e["msg"] for e in first.errors())
        raise ConfigInputError(f"{pair!r}: {reasons}", what) from None


def one_line(exc: Exception) -> str:
    """A pydantic error as `field: message; field: message` (one line, no URLs); other errors as they are."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
    )


def build_configs(
    method: str | None,
    arch: str | None,
    dataset: str,
    sparsities: Sequence[float],
    seeds: Sequence[int],
    epochs: int | None,
    pairs: dict[str, Sequence[str]],
) -> list[list[RunConfig]]:
    """One list of configs (one per seed) per sparsity. `pairs` holds the key=value settings by option:
    --param, --train, --arch-option, --data-option."""
    if not method or not arch:
        raise ConfigInputError("give --method and --arch (or --config FILE)")
    try:
        method_config, options = METHODS.get(method).config_class, MODELS.get(arch).options
    except UnregisteredName as exc:
        raise ConfigInputError(str(exc)) from None
    training = parse_pairs(pairs["--train"], "--train", TrainingConfig)
    if epochs is not None:
        training["epochs"] = epochs
    method_params = parse_pairs(pairs["--param"], "--param", method_config)
    arch_options = parse_pairs(pairs["--arch-option"], "--arch-option", options)
    data = parse_pairs(pairs["--data-option"], "--data-option", DataOptions)
    try:
        return [
            [
                make_config(
                    method,
                    arch,
                    dataset,
                    s,
                    method_params=method_params,
                    arch_options=arch_options,
                    data=data,
                    training=training,
                    seed=seed,
                )
                for seed in seeds
            ]
            for s in sparsities
        ]
    except (UnregisteredName, ValidationError) as exc:
        raise ConfigInputError(one_line(exc)) from None


def configs_from_file(config_file: Path, seeds: Sequence[int]) -> list[RunConfig]:
    """One validated config per seed (`seeds` over the file's `seeds` list over its `seed`)."""
    try:
        raw = load_yaml_file(config_file)
    except YamlError as exc:
        raise ConfigInputError(str(exc)) from None
    if not isinstance(raw, dict):
        raise ConfigInputError(f"{config_file}: a run config is a mapping of fields, not {type(raw).__name__}")
    file_seeds = raw.pop("seeds", None)
    if file_seeds is not None and not (
        isinstance(file_seeds, list) and file_seeds and all(type(s) is int for s in file_seeds)
    ):
        raise ConfigInputError(f"{config_file}: seeds: a non-empty list of integers, got {file_seeds!r}")
    chosen = list(seeds) or file_seeds or [raw.get("seed", 0)]
    try:
        return [RunConfig.model_validate({**raw, "seed": seed}) for seed in chosen]
    except ValidationError as exc:
        raise ConfigInputError(f"{config_file}: {one_line(exc)}") from None
