"""`pruneatlas new`: a valid paper file to start from, with every result field explained in comments."""

from __future__ import annotations

from pathlib import Path

from pruneatlas import paths
from pruneatlas.atomic import atomic_write_text
from pruneatlas.keys import held_by_another_paper, paper_key
from pruneatlas.safe_yaml import dump_yaml

RESULT_TEMPLATE = """\
# Copy this block once per operating point, fill it from the paper, and delete what the paper does not give.
# Never type a derived value: record numbers in the form the paper printed them (see CONTRIBUTING.md).
#  - id: table2-resnet56-a            # unique in this file: lower-case letters, digits, - . _ +
#    method: l1-filter                # id or alias from schema/methods.yaml
#    method_label: ResNet-56-pruned-A # exactly as printed
#    # method_paper: Li2017Pruning    # only when the method is another paper's (add it under `references`)
#    architecture: resnet56           # exact variant, from schema/architectures.yaml
#    dataset: cifar10                 # from schema/datasets.yaml
#    granularity: filter              # weight | n:m | kernel | filter | channel | neuron | head | layer | block
#    scope: layerwise                 # global | layerwise
#    schedule: one_shot               # one_shot | iterative | at_init | during_training
#    accuracy:
#      metric: top1_err               # top1 | top5 | top1_err | top5_err | map | perplexity ... (schema/metrics.yaml)
#      baseline: 6.96                 # as printed; '>93', '~94' for bounds and approximations
#      pruned: 6.94
#      # change: -0.02                # only if printed, with change_sign: pruned_minus_baseline | baseline_minus_pruned
#      # claim: no_loss               # for a qualitative claim with no number
#    params: {removed_pct: 13.7}      # any of baseline, pruned (e.g. '0.85M'), removed_pct, remaining_pct, ratio
#    flops: {removed_pct: 27.6, unit: MAC}
#    conditions: {num_runs: 1, finetune_epochs: 40}
#    source:
#      locator: Table 1               # where in the document
#      extraction: table              # table | text | figure (then give `precision`)
#      quote: "ResNet-56-pruned-B 6.94 ..."   # verbatim, containing the numbers
#    notes: anything a reader must know (ambiguities, variants)
"""


def key_for(first_author: str, year: int, title: str) -> str:
    return paper_key(first_author, year, title, held_by_another_paper(paths.PAPERS, title))


def skeleton(first_author: str, year: int, title: str, venue: str | None = None, url: str | None = None) -> str:
    key = key_for(first_author, year, title)
    header = {"key": key, "title": title, "authors": [first_author], "year": year}
    if venue:
        header["venue"] = venue
    if url:
        header["url"] = url
    return (
        f"# {key}: one file per source document. Check it with `pruneatlas validate data/papers/{key}.yaml`.\n"
        + dump_yaml(header)
        + "# bibtex: |\n#   @inproceedings{...}\nresults: []\n"
        + RESULT_TEMPLATE
    )


def write_skeleton(first_author: str, year: int, title: str, venue: str | None = None, url: str | None = None) -> Path:
    text = skeleton(first_author, year, title, venue, url)
    target = paths.PAPERS / f"{key_for(first_author, year, title)}.yaml"
    if target.exists():
        raise FileExistsError(f"{target.name} already exists in {target.parent}: add your results to it")
    atomic_write_text(target, text)
    return target
