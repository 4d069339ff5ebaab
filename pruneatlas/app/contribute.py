"""Contribute: check a paper file with the same validator as `pruneatlas validate`, or start a new one."""

from __future__ import annotations

import datetime

import pandas as pd
import streamlit as st

from pruneatlas.keys import paper_key
from pruneatlas.loader import Atlas, check_text
from pruneatlas.scaffold import skeleton
from pruneatlas.table import results_frame
from pruneatlas.vocab import Vocabularies, load_vocabularies

PROBLEM_COLUMNS = ["file", "result", "field", "message"]


@st.cache_resource(show_spinner=False)
def _vocabularies() -> Vocabularies:
    return load_vocabularies()


def problems_table(problems: list) -> pd.DataFrame:
    """file / result / field / message, one row per problem, in the validator's order."""
    return pd.DataFrame([[p.file, p.result, p.field, p.message] for p in sorted(problems)], columns=PROBLEM_COLUMNS)


def show_check(atlas: Atlas) -> None:
    """Every error (or a preview of the rows the file would add), then the conflict warnings."""
    if atlas.errors:
        st.error(f"{len(atlas.errors)} error(s): the file would not be built. Fix each one and check again.")
        st.dataframe(problems_table(atlas.errors), hide_index=True, width="stretch")
    else:
        count = sum(len(lp.paper.results) for lp in atlas.papers)
        st.success(f"No errors: {count} result(s) would be added. The rows as the atlas derives them:")
        if count:
            preview = results_frame(atlas.papers, _vocabularies(), atlas.conflicts).drop(columns=["record"])
            st.dataframe(preview, hide_index=True)
    if atlas.warnings:
        st.warning(
            f"{len(atlas.warnings)} warning(s), e.g. conflicts with another source: keep both numbers if both "
            "are printed; fix only a transcription error of your own."
        )
        st.dataframe(problems_table(atlas.warnings), hide_index=True, width="stretch")


def uploaded_text(data: bytes, name: str) -> str:
    """The upload as text, or ValueError saying where it is not UTF-8: decoding with replacement would accept a
    file that `pruneatlas validate` (and so CI) then rejects."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8 and upload it again"
        ) from None


def _checker() -> None:
    uploaded = st.file_uploader("Upload a paper file", type=["yaml", "yml"], key="contribute-upload")
    pasted = st.text_area(
        "… or paste it here", height=260, key="contribute-text",
        placeholder="key: Li2017Pruning\ntitle: Pruning Filters for Efficient ConvNets\n...",
    )  # fmt: skip
    typed_name = st.text_input(
        "File name of the pasted text (optional; defaults to the paper's key)", key="contribute-name",
        placeholder="Li2017Pruning.yaml", disabled=uploaded is not None,
    )  # fmt: skip
    if uploaded is not None:
        try:
            text, name = uploaded_text(uploaded.getvalue(), uploaded.name), uploaded.name
        except ValueError as exc:
            st.error(str(exc))
            return
    elif pasted.strip():
        text, name = pasted, typed_name.strip() or None
    else:
        st.caption("The file is checked against the whole atlas: schema, vocabulary, consistency, conflicts.")
        return
    show_check(check_text(text, name, _vocabularies()))


def _starter() -> None:
    c1, c2 = st.columns(2)
    author = c1.text_input("First author", placeholder="Hao Li", key="new-author")
    year = c2.number_input("Year", 1940, 2100, datetime.date.today().year, key="new-year")
    title = st.text_input("Title", placeholder="Pruning Filters for Efficient ConvNets", key="new-title")
    c3, c4 = st.columns(2)
    venue = c3.text_input("Venue", placeholder="ICLR 2017", key="new-venue")
    url = c4.text_input("URL", placeholder="https://arxiv.org/abs/1608.08710", key="new-url")
    ready = bool(author.strip() and title.strip())
    if ready:
        key = paper_key(author, int(year), title)
        text = skeleton(author, int(year), title, venue or None, url or None)
        st.caption(f"Save it as `data/papers/{key}.yaml`, fill in the results, then check it above or with "
                   f"`pruneatlas validate data/papers/{key}.yaml`.")  # fmt: skip
        st.code(text, language="yaml")
    else:
        key, text = "Paper", ""
        st.caption("Give at least the first author and the title.")
    st.download_button("Download the skeleton", text, f"{key}.yaml", "application/x-yaml", disabled=not ready,
                       on_click="ignore", icon=":material/download:", key="new-download")  # fmt: skip


def render() -> None:
    st.title("Contribute a paper")
    st.caption("One YAML file per source document; see CONTRIBUTING.md. Nothing here writes to the atlas.")
    check, start = st.tabs(["Check a paper file", "Start a new file"])
    with check:
        _checker()
    with start:
        _starter()
