"""The JSON schema matches the models, vocabularies are sound, and a new paper file starts valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pruneatlas import schema_file
from pruneatlas.cli import main
from pruneatlas.keys import paper_key
from pruneatlas.loader import check_text
from pruneatlas.scaffold import skeleton
from pruneatlas.vocab import Method, UnknownName, Vocabulary, load_vocabularies


def test_results_schema_json_is_generated_from_the_models():
    assert schema_file.is_current(), "schema/results.schema.json drifted from the models: run `pruneatlas schema`"


def test_vocabularies_load_and_every_name_points_to_one_entry():
    vocab = load_vocabularies()
    for vocabulary in (vocab.architectures, vocab.datasets, vocab.methods, vocab.metrics):
        assert vocabulary.duplicates() == []


def test_an_id_given_to_two_entries_is_refused():
    entry = {"id": "bk-sdm", "name": "BK-SDM", "category": "knowledge_distillation"}
    twice = Vocabulary("method", (Method.model_validate(entry), Method.model_validate({**entry, "name": "BK SDM 2"})))
    assert twice.duplicates() == ["bksdm: ['bk-sdm', 'bk-sdm']"]


def test_names_resolve_by_alias_and_spelling():
    vocab = load_vocabularies()
    assert vocab.architectures.resolve("ResNet-56").id == "resnet56"
    assert vocab.methods.resolve("PF_EC").id == "l1-filter"
    assert vocab.methods.resolve("AAFP").id == "aofp"
    with pytest.raises(UnknownName, match="nearest known: resnet56"):
        vocab.architectures.resolve("resnet-57")


def test_methods_use_the_eight_categories_of_vadera_and_ameen():
    categories = {m.category for m in load_vocabularies().methods.entries}
    assert categories <= {
        "magnitude", "similarity_clustering", "sensitivity", "knowledge_distillation", "low_rank",
        "quantization", "architecture_search", "hybrid",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("author", "year", "title", "key"),
    [
        ("Song Han", 2015, "Learning both Weights and Connections for Efficient Neural Networks", "Han2015Learning"),
        ("Mingbao Lin", 2020, "HRank: Filter Pruning using High-Rank Feature Map", "Lin2020Hrank"),
        ("He, Yang", 2019, "Filter Pruning via Geometric Median", "He2019Filter"),
        ("Yann LeCun", 1990, "Optimal Brain Damage", "LeCun1990Optimal"),
        ("Mingbao Lin", 2022, "1×N Pattern for Pruning Convolutional Neural Networks", "Lin2022Pattern"),
        ("Hugo Tessier", 2022, "Rethinking Weight Decay for Efficient Neural Network Pruning", "Tessier2022Rethinking"),
    ],
)
def test_paper_keys_follow_author_year_word(author, year, title, key):
    assert paper_key(author, year, title) == key


def test_the_skeleton_is_a_valid_paper_file_that_asks_for_results():
    text = skeleton("Hao Li", 2017, "Pruning Filters for Efficient ConvNets", "ICLR")
    atlas = check_text(text)
    assert atlas.errors == []
    assert [str(w) for w in atlas.warnings] == ["warning: pasted.yaml: -: results: no results yet: add at least one"]


def test_cli_new_writes_the_skeleton_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from pruneatlas import paths

    monkeypatch.setattr(paths, "PAPERS", tmp_path)
    args = ["new", "--author", "Hao Li", "--year", "2017", "--title", "Pruning Filters for Efficient ConvNets"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and (tmp_path / "Li2017Pruning.yaml").exists()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and "already exists" in again.output


def test_a_different_paper_with_the_same_author_year_and_word_gets_a_longer_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from pruneatlas import paths
    from pruneatlas.scaffold import write_skeleton

    monkeypatch.setattr(paths, "PAPERS", tmp_path)
    first = write_skeleton(
        "Jonathan Frankle", 2019, "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Networks"
    )
    second = write_skeleton("Jonathan Frankle", 2019, "The Lottery Ticket Hypothesis at Scale")
    assert (first.stem, second.stem) == ("Frankle2019Lottery", "Frankle2019LotteryTicket")
    with pytest.raises(FileExistsError, match="add your results to it"):
        write_skeleton("Jonathan Frankle", 2019, "The lottery ticket hypothesis at scale")
