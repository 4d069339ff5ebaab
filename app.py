"""PruneAtlas explorer: `streamlit run app.py`."""

import streamlit as st

from pruneatlas.build import open_readonly

st.set_page_config(page_title="PruneAtlas", layout="wide")
st.title("PruneAtlas")
con = open_readonly()
st.dataframe(con.sql("SELECT * EXCLUDE (record) FROM results").df(), hide_index=True)
