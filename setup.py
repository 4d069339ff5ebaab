"""Ship the atlas in the wheel: data/, schema/, resource/ and the explorer's app.py are copied into
pruneatlas/_atlas/ at build time.

pyproject.toml holds all the metadata; this file only adds that copy, so the checkout keeps one copy of each
file and an installed package finds the atlas as released (pruneatlas/paths.py resolves it). Editable installs
skip the copy: they read the checkout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# data/ whole: the papers, the re-runs, NOTICE and the list of known quote gaps the checks read.
SHIPPED = ("data", "schema", "resource", "app.py")


class BuildPyWithAtlas(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pruneatlas" / "_atlas"
        shutil.rmtree(target, ignore_errors=True)
        for name in SHIPPED:
            source, destination = HERE / name, target / name
            if source.is_dir():
                shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".*", "__pycache__"))
            elif source.is_file():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)
            else:
                raise FileNotFoundError(f"{source}: the wheel ships it, but it is missing (an sdist without it?)")


setup(cmdclass={"build_py": BuildPyWithAtlas})
