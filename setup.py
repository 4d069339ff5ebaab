"""Ship the atlas in the wheel: data/, schema/ and resource/ are copied into pruneatlas/_atlas/ at build time.

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
SHIPPED = {"data": ("papers", "reproduced", "NOTICE"), "schema": (), "resource": ()}


class BuildPyWithAtlas(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pruneatlas" / "_atlas"
        shutil.rmtree(target, ignore_errors=True)
        for folder, parts in SHIPPED.items():
            for source in [HERE / folder / part for part in parts] if parts else [HERE / folder]:
                destination = target / source.relative_to(HERE)
                if source.is_dir():
                    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".*", "__pycache__"))
                elif source.is_file():
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, destination)


setup(cmdclass={"build_py": BuildPyWithAtlas})
