"""The Streamlit explorer, one module per page; `app.py` only wires them into `st.navigation`.

Each page is reachable by URL (`/explore`, `/pivot`, ...), which the browser test relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class PageSpec:
    module: str
    title: str
    url_path: str
    icon: str

    def render(self) -> None:
        """Import the page's module and draw it. `st.Page` gets this method, not the module's function, so a
        visit imports only the page it opens: importing every page first (the validator for Contribute among
        them) cost Explore's first render a second."""
        import_module(f"pruneatlas.app.{self.module}").render()


PAGES = (
    PageSpec("explore", "Explore", "explore", ":material/table_view:"),
    PageSpec("pivot", "Pivot", "pivot", ":material/pivot_table_chart:"),
    PageSpec("compare", "Compare", "compare", ":material/bar_chart:"),
    PageSpec("frontier", "Frontier", "frontier", ":material/scatter_plot:"),
    PageSpec("reproductions", "Reproductions", "reproductions", ":material/replay:"),
    PageSpec("conflicts", "Conflicts", "conflicts", ":material/compare_arrows:"),
    PageSpec("contribute", "Contribute", "contribute", ":material/upload_file:"),
    PageSpec("sql_console", "SQL", "sql", ":material/terminal:"),
)
