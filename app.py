"""PruneAtlas explorer: `streamlit run app.py`. Pages live in pruneatlas/app/, one module each."""

import streamlit as st

from pruneatlas.app import PAGES

st.set_page_config(page_title="PruneAtlas", page_icon=":material/content_cut:", layout="wide")
pages = [
    st.Page(spec.render, title=spec.title, url_path=spec.url_path, icon=spec.icon, default=index == 0)
    for index, spec in enumerate(PAGES)
]
st.navigation(pages).run()
