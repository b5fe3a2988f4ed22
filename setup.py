"""Build step: the wheel carries compiled translations (.mo) whether or not `make` ran in the tree.

Everything else about the package is declared in setup.cfg.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTranslations(build_py):
    """Copy the package as usual, then compile every messages.po into the build as messages.mo."""

    def run(self) -> None:
        super().run()
        for po_path in sorted(Path("advocacy/translations").glob("*/LC_MESSAGES/messages.po")):
            target = Path(self.build_lib) / po_path.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=po_path.parts[-3])
            with target.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithTranslations})
