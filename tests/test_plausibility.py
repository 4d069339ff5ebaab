"""The plausibility module's building blocks, by ids: what the validator, the round-trip test and the benchmark's
synthetic atlas use to pick networks a data set can have."""

from __future__ import annotations

import pytest

from pruneatlas.plausibility import network_mismatch, quoted_numbers, top_k_of
from pruneatlas.vocab import load_vocabularies

VOCAB = load_vocabularies()


def test_a_network_that_fits_the_data_set_is_no_mismatch():
    assert network_mismatch("vgg16-cifar", "cifar10", VOCAB) is None
    assert network_mismatch("resnet50", "imagenet", VOCAB) is None


def test_an_imagenet_network_on_cifar_names_the_variant_that_fits():
    message = network_mismatch("vgg16", "cifar10", VOCAB)
    assert message is not None and message.startswith("vgg16 takes 224x224 inputs and cifar10 has 32x32 images")
    assert "vgg16-cifar" in message


def test_unknown_ids_are_left_to_the_vocabulary_check():
    assert network_mismatch("no-such-network", "cifar10", VOCAB) is None


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("1.72 × 10^6 params", {1.72, 1.72e6}),
        ("a 2:4 pattern", {50.0}),
        ("5.94E7 FLOPs, 1,234 images", {5.94e7, 1234.0}),
    ],
)
def test_quoted_numbers_read_every_form(quote: str, expected: set[float]):
    found = quoted_numbers(quote)
    assert all(any(n == pytest.approx(e, rel=1e-9) for n in found) for e in expected), found


def test_the_chance_level_of_a_metric_comes_from_its_vocabulary_entry() -> None:
    assert (top_k_of("top1", VOCAB), top_k_of("top5_err", VOCAB)) == (1, 5)  # an error rate: its accuracy's k
    assert top_k_of("perplexity", VOCAB) is None and top_k_of("no-such-metric", VOCAB) is None


def test_a_quote_read_again_is_not_parsed_again():
    quote = "ResNet-56 | 93.26 | 93.17 | 50.0"
    assert quoted_numbers(quote) is quoted_numbers(quote)
    assert quoted_numbers(quote) == {56.0, 93.26, 93.17, 50.0}
