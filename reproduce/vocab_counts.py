"""Fill `params` and `macs` of schema/architectures.yaml from the project's counter (reproduce/counting.py).

    python -m reproduce.vocab_counts            # print the counts and what differs from the YAML
    python -m reproduce.vocab_counts --write    # update the YAML in place (only those fields; comments kept)

Each registered architecture is counted in its native setting (input size, classes); an id missing from
the YAML is appended. tests/reproduce/test_vocab_counts.py checks the YAML agrees with the counter.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pruneatlas import paths
from pruneatlas.atomic import atomic_write_text


@dataclass(frozen=True)
class Instance:
    atlas_id: str
    arch: str
    input_shape: tuple[int, int, int]
    classes: int = 10
    options: tuple[tuple[str, Any], ...] = ()
    name: str = ""  # display name for an appended entry


INSTANCES = [
    Instance("lenet-300-100", "lenet-300-100", (1, 28, 28)),
    Instance("lenet5-caffe", "lenet5-caffe", (1, 28, 28)),
    Instance("lenet5", "lenet5", (1, 32, 32)),
    Instance("lenet5-swd", "lenet5-swd", (1, 32, 32)),
    Instance("conv2", "conv2", (3, 32, 32)),
    Instance("conv4", "conv4", (3, 32, 32)),
    Instance("conv6", "conv6", (3, 32, 32)),
    Instance("mlp-784-400-400-400-10", "mlp", (1, 28, 28), options=(("widths", (400, 400, 400)),)),
    Instance("mlp-784-500-300-10", "mlp", (1, 28, 28), options=(("widths", (500, 300)),)),
    Instance("mlp-64-300-100-10", "mlp", (1, 8, 8), name="MLP 64-300-100-10 (scikit-learn digits)"),
    *[Instance(f"resnet{d}", f"resnet{d}", (3, 32, 32)) for d in (20, 32, 44, 56, 110)],
    Instance("resnet20-w64", "resnet20", (3, 32, 32), options=(("width", 64),)),
    Instance("vgg16-cifar", "vgg16-cifar", (3, 32, 32)),
    Instance("vgg19-cifar", "vgg19-cifar", (3, 32, 32)),
    Instance("resnet18", "resnet18", (3, 224, 224), 1000),
    Instance("resnet50", "resnet50", (3, 224, 224), 1000),
    Instance("mobilenet-v2", "mobilenet-v2", (3, 224, 224), 1000),
]


def counts(instance: Instance) -> dict[str, Any]:
    from reproduce.counting import count
    from reproduce.models import MODELS

    spec = MODELS.get(instance.arch)
    options = spec.parse_options({k: list(v) if isinstance(v, tuple) else v for k, v in instance.options})
    model = spec.build(instance.classes, instance.input_shape, options)
    found = spec.atlas_id(options, instance.input_shape, instance.classes)
    if found != instance.atlas_id:
        raise ValueError(f"{instance.arch} with {instance.options} is {found}, not {instance.atlas_id}")
    c = count(model, instance.input_shape)
    opts = ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v}" for k, v in instance.options)
    return {
        "params": c.params,
        "macs": c.macs,
        "definition": f"reproduce arch {instance.arch}{f' ({opts})' if opts else ''}; {spec.definition}",
    }


def _family(arch: str) -> str:
    from reproduce.models import MODELS

    return MODELS.get(arch).family


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """id -> (first line, end line exclusive) of each top-level entry."""
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := re.match(r"^- id:\s*(\S+)", line))]
    out = {}
    for n, (start, ident) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        out[ident] = (start, end)
    return out


def update_text(text: str, values: dict[str, dict[str, Any]], instances: dict[str, Instance]) -> str:
    lines = text.splitlines()
    for ident, fields in values.items():
        blocks = _blocks(lines)
        if ident not in blocks:
            lines.append(f"- id: {ident}")
            instance = instances[ident]
            lines.append(f"  name: {instance.name or ident}")
            lines.append(f"  family: {_family(instance.arch)}")
            lines.append(f"  input_size: [{', '.join(map(str, instance.input_shape))}]")
            blocks = _blocks(lines)
        start, end = blocks[ident]
        for key in ("params", "macs", "definition"):
            new = f"  {key}: {fields[key]}"
            found = next((i for i in range(start, end) if lines[i].startswith(f"  {key}:")), None)
            if found is not None:
                lines[found] = new
            else:
                lines.insert(end, new)
                end += 1
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update schema/architectures.yaml in place")
    parser.add_argument("--file", type=Path, default=paths.SCHEMA / "architectures.yaml")
    args = parser.parse_args(argv)
    values = {i.atlas_id: counts(i) for i in INSTANCES}
    for ident, v in values.items():
        print(f"{ident:26s} params {v['params']:>12,}  MACs {v['macs']:>15,}")
    text = args.file.read_text()
    new = update_text(text, values, {i.atlas_id: i for i in INSTANCES})
    if args.write and new != text:
        atomic_write_text(args.file, new)
        print(f"updated {args.file}")
    elif new != text:
        print(f"{args.file} differs; run with --write to update it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
