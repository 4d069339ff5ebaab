"""schema/architectures.yaml carries the counter's own figures for every registered architecture."""

from __future__ import annotations

import pytest

from pruneatlas.vocab import load_vocabularies
from reproduce import vocab_counts

CHEAP = [i for i in vocab_counts.INSTANCES if i.input_shape[1] <= 32]


@pytest.mark.parametrize("instance", CHEAP, ids=[i.atlas_id for i in CHEAP])
def test_vocabulary_params_and_macs_agree_with_the_counter(instance: vocab_counts.Instance) -> None:
    entry = load_vocabularies().architectures.by_id.get(instance.atlas_id)
    assert entry is not None, f"{instance.atlas_id} missing: run python -m reproduce.vocab_counts --write"
    counted = vocab_counts.counts(instance)
    assert (entry.params, entry.macs) == (counted["params"], counted["macs"])


def test_update_fills_existing_entries_and_appends_missing_ones() -> None:
    text = "# head\n- id: resnet20\n  name: ResNet-20\n  params: 1\n- id: other\n  name: Other\n"
    values = {
        "resnet20": {"params": 269722, "macs": 40551040, "definition": "d"},
        "mlp-64-300-100-10": {"params": 50610, "macs": 50200, "definition": "e"},
    }
    instances = {i.atlas_id: i for i in vocab_counts.INSTANCES}
    out = vocab_counts.update_text(text, values, instances)
    assert out.startswith("# head\n- id: resnet20\n  name: ResNet-20\n  params: 269722\n  macs: 40551040\n")
    assert "- id: other\n  name: Other\n- id: mlp-64-300-100-10\n" in out
    assert "  input_size: [1, 8, 8]\n  params: 50610\n" in out
