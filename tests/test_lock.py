"""The lock (requirements/*.txt) holds every dependency setup.cfg names, at a version setup.cfg
allows, each with hashes: a dependency added to setup.cfg without `make lock` fails here."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"runtime": (), "test": ("test",), "e2e": ("test", "e2e"), "peers": ("test", "peers")}


def declared(extras: tuple[str, ...]) -> list[Requirement]:
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    lines = setup["options"]["install_requires"].splitlines()
    for extra in extras:
        lines += setup["options.extras_require"][extra].splitlines()
    lines += (ROOT / "requirements" / "runtime.in").read_text().splitlines()
    return [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]


def pinned(name: str) -> dict[str, tuple[str, int]]:
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            pins[canonicalize_name(match.group(1))] = (match.group(2), block.count("--hash=sha256:"))
    return pins


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_the_lock_pins_every_declared_dependency_with_hashes(lock, extras):
    pins = pinned(lock)
    assert pins, f"requirements/{lock}.txt pins nothing"
    for requirement in declared(extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in setup.cfg but not in requirements/{lock}.txt: run `make lock`"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock}.txt pins {name}=={version}, which setup.cfg's {requirement} excludes: `make lock`")
    assert all(hashes for _, hashes in pins.values()), f"a pin without --hash in requirements/{lock}.txt"


def test_every_package_the_app_imports_is_declared_for_the_runtime():
    """A module the app imports from a distribution that only a test or peer extra brings (pydantic
    came in with the peers, so a production install could not start) fails here."""
    import ast
    import sys
    from importlib.metadata import packages_distributions, requires

    providers = packages_distributions()
    declared_names = {canonicalize_name(r.name) for r in declared(())}
    # What the declared runtime dependencies bring with them is there too (one level is enough here).
    brought = set(declared_names)
    for name in declared_names:
        for line in requires(name) or []:
            requirement = Requirement(line)
            if not requirement.marker or requirement.marker.evaluate({"extra": ""}):
                brought.add(canonicalize_name(requirement.name))
    missing = set()
    for path in (ROOT / "advocacy").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                       else [])
            for module in modules:
                top = module.split(".")[0]
                if top == "advocacy" or top in sys.stdlib_module_names:
                    continue
                distributions = {canonicalize_name(d) for d in providers.get(top, [top])}
                if not distributions & brought:
                    missing.add(f"{top} ({path.relative_to(ROOT)})")
    assert not missing, "imported but not declared in setup.cfg install_requires: " + ", ".join(sorted(missing))
