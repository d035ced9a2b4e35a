"""Build step: compile the gettext catalogues (``*.po`` → ``*.mo``) of the core and the in-tree plugins.

A wheel ships the ``.mo`` files, so an installed plugcrm never compiles (or writes) at run time.
``pip install -e .`` compiles them in the checkout (``editable_mode``); the metadata is in pyproject.toml.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


def compile_tree(root: Path) -> None:
    for po in root.glob("**/translations/*/LC_MESSAGES/*.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        here = Path(__file__).parent
        for package in ("core", "plugins"):
            compile_tree(here / package if self.editable_mode else Path(self.build_lib) / package)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
