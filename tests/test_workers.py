"""Builds started from a Streamlit script (whose module is the parent's `__main__`) still get working workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_a_build_from_a_script_without_a_main_guard_gets_working_workers(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    # As Streamlit runs a page: the script is __main__, with no `if __name__ == "__main__"` guard.
    script.write_text(
        textwrap.dedent(
            """
            from concurrent.futures import ProcessPoolExecutor
            import multiprocessing
            from pruneatlas.workers import plain_main

            with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
                with plain_main():
                    pending = pool.map(abs, [-1, -2, -3])
                print(sorted(pending))
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[1, 2, 3]"
