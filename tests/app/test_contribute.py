"""Contribute: a pasted or uploaded file is checked by the same validator; errors name file, result and field."""

from __future__ import annotations

from app_helpers import ATLAS, no_exceptions, page_app

GOOD = (ATLAS / "papers" / "Alpha2017Fixture.yaml").read_text(encoding="utf-8")
NEW_GOOD = GOOD.replace("Alpha2017Fixture", "Zeta2020Fixture").replace("https://example.org/alpha2017", "")
PLANTED = NEW_GOOD.replace("pruned: 6.60}", "pruned: 6.60, chnage: 1}")  # a misspelt field in result t2-vgg16-a


def _problems(at) -> list[dict]:
    """The errors table: the first table on the page when there are errors."""
    table = at.dataframe[0].value
    assert list(table.columns) == ["file", "result", "field", "message"]
    return table.to_dict("records")


def test_planted_errors_are_reported_with_file_result_and_field(atlas_path) -> None:
    at = page_app("contribute").run()
    at.text_area(key="contribute-text").set_value(PLANTED).run()
    no_exceptions(at)
    assert at.error and "error(s)" in at.error[0].value
    problems = _problems(at)
    assert {"file": "pasted.yaml", "result": "t2-vgg16-a", "field": "accuracy.chnage"} in [
        {k: p[k] for k in ("file", "result", "field")} for p in problems
    ]


def test_vocabulary_error_names_the_nearest_method(atlas_path) -> None:
    text = NEW_GOOD.replace("method: l1-filter\n    method_label: ResNet-56-pruned-B", "method: l1-filtre\n    "
                            "method_label: ResNet-56-pruned-B")  # fmt: skip
    at = page_app("contribute").run()
    at.text_input(key="contribute-name").set_value("Zeta2020Fixture.yaml").run()
    at.text_area(key="contribute-text").set_value(text).run()
    (problem,) = _problems(at)
    assert problem["file"] == "Zeta2020Fixture.yaml" and problem["result"] == "t2-resnet56-b"
    assert problem["field"] == "method" and "l1-filter" in problem["message"]


def test_upload_of_a_valid_file_previews_its_rows(atlas_path) -> None:
    at = page_app("contribute").run()
    at.file_uploader(key="contribute-upload").set_value(("Zeta2020Fixture.yaml", NEW_GOOD.encode(), "text/yaml"))
    at.run()
    no_exceptions(at)
    assert not at.error and "3 result(s)" in at.success[0].value
    preview = at.dataframe[0].value
    assert set(preview["result_id"]) == {
        f"Zeta2020Fixture/{r}" for r in ("t2-resnet56-a", "t2-resnet56-b", "t2-vgg16-a")
    }
    assert abs(preview.set_index("method_label").loc["ResNet-56-pruned-B", "flops_reduction_pct"] - 27.6) < 1e-9


def test_an_upload_that_is_not_utf8_is_refused_naming_the_byte(atlas_path) -> None:
    latin1 = NEW_GOOD.replace("title: ", "title: Caf\u00e9 ", 1).encode("latin-1")
    at = page_app("contribute").run()
    at.file_uploader(key="contribute-upload").set_value(("Zeta2020Fixture.yaml", latin1, "text/yaml"))
    at.run()
    no_exceptions(at)
    byte = latin1.index(b"\xe9")
    assert [e.value for e in at.error] == [
        f"Zeta2020Fixture.yaml: not UTF-8 text (invalid continuation byte at byte {byte}); save the file as UTF-8 "
        "and upload it again"
    ]
    assert not at.success and not at.dataframe


def test_conflict_with_the_atlas_is_a_warning(atlas_path) -> None:
    text = NEW_GOOD.replace("pruned: 6.94}", "pruned: 7.94}").replace("6.94 13.7%", "7.94 13.7%")
    text = text.replace("method_label: ResNet-56-pruned-B\n", "method_label: ResNet-56-pruned-B\n"
                        "    method_paper: Alpha2017Fixture\n")  # fmt: skip
    at = page_app("contribute").run()
    at.text_area(key="contribute-text").set_value(text).run()
    assert not at.error and at.warning
    warnings = at.dataframe[-1].value
    text = " ".join(warnings.astype(str).to_numpy().ravel())  # either file may be named first
    assert "conflicts with" in text and "t2-resnet56-b" in text
    assert "Alpha2017Fixture" in text and "Zeta2020Fixture" in text


def test_skeleton_download(atlas_path) -> None:
    at = page_app("contribute").run()
    assert at.get("download_button")[0].proto.disabled
    at.text_input(key="new-author").set_value("Hao Li").run()
    at.text_input(key="new-title").set_value("Pruning Filters for Efficient ConvNets").run()
    at.number_input(key="new-year").set_value(2017).run()
    no_exceptions(at)
    button = at.get("download_button")[0]
    assert not button.proto.disabled
    assert any("data/papers/Li2017Pruning.yaml" in c.value for c in at.caption)
    assert any(c.language == "yaml" and "key: Li2017Pruning" in c.value for c in at.code)
