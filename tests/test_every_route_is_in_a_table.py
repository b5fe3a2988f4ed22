"""Every route of the app, with each of its methods, is in a route-by-role table (tests/access.py).

The tables are the module-level `ACCESS` lists of the test modules. A row names its URL rule
(`rule=`) or a concrete path that the app's URL map resolves to one. A route in no table is a route
nobody tried as each role: this test names it.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

import tests
from tests.access import Row

SKIP_METHODS = {"HEAD", "OPTIONS"}
# Served by Flask itself, not by a feature.
NOT_FEATURE_ROUTES = {"/static/<path:filename>"}


def tables() -> list[tuple[str, Row]]:
    rows = []
    root = Path(tests.__file__).parent
    for info in pkgutil.walk_packages([str(root)], prefix="tests."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not leaf.startswith("test_") or ".e2e" in info.name or ".deploy" in info.name:
            continue
        module = importlib.import_module(info.name)
        for row in getattr(module, "ACCESS", []) or []:
            if isinstance(row, Row):
                rows.append((info.name, row))
    return rows


def rule_of(adapter, row: Row) -> str | None:
    if row.rule:
        return row.rule
    if not isinstance(row.url, str):
        return None
    path = row.url.split("?", 1)[0]
    try:
        rule, _arguments = adapter.match(path, method=row.method, return_rule=True)
    except RequestRedirect as redirect:
        return redirect.new_url
    except MethodNotAllowed:
        return ""  # a row that checks a method the route does not take: it covers nothing
    except HTTPException:
        return None
    return rule.rule


def test_every_route_and_method_is_in_a_table(app):
    adapter = app.url_map.bind("localhost")
    covered: set[tuple[str, str]] = set()
    unresolved = []
    for module, row in tables():
        rule = rule_of(adapter, row)
        if rule is None:
            unresolved.append(f"{module}: {row.method} {row.covers()}")
        elif rule:
            covered.add((rule, row.method))
    assert not unresolved, "rows whose URL matches no route (give them rule=...):\n" + "\n".join(unresolved)
    missing = sorted(f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
                     if rule.rule not in NOT_FEATURE_ROUTES
                     for method in sorted((rule.methods or set()) - SKIP_METHODS)
                     if (rule.rule, method) not in covered)
    assert not missing, f"{len(missing)} routes are in no route-by-role table:\n" + "\n".join(missing)
