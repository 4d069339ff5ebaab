"""data/quote_gaps.csv lists numbers recorded before the quote check whose quotes lack them: it may only shrink.

Each entry must still be a real gap (the row exists, prints that value and its quote still lacks it), so a row
fixed from its source has to leave the list, and the list cannot hide anything else.
"""

from __future__ import annotations

import csv
from functools import cache

from pruneatlas import paths
from pruneatlas.loader import Atlas, load_atlas
from pruneatlas.paths import QUOTE_GAPS
from pruneatlas.plausibility import printed_numbers, quote_problems


@cache
def atlas() -> Atlas:
    return load_atlas(paths.data_roots(), context=paths.data_roots())


def test_every_listed_gap_is_still_a_number_missing_from_its_quote():
    with QUOTE_GAPS.open(encoding="utf-8", newline="") as handle:
        listed = [(row["result_id"], row["field"], row["value"]) for row in csv.DictReader(handle)]
    assert len(listed) == len(set(listed))
    missing = set()
    for loaded in atlas().papers:
        for result in loaded.paper.results:
            waived = {d.field for d in result.discrepancies}
            numbers = dict(printed_numbers(result))
            for field, _ in quote_problems(result, waived):
                missing.add((f"{loaded.paper.key}/{result.id}", field, str(numbers[field])))
    assert [gap for gap in listed if gap not in missing] == []
