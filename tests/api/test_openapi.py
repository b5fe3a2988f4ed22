"""The OpenAPI 3.1 description is generated from the code and complete (every API route, its
scope, its parameters, problem details for errors), and the docs page is rendered from it on the
server: every endpoint, parameter and schema, with no script or request to another host."""
from __future__ import annotations

import re

from advocacy.api.spec import API_PREFIX


def api_rules(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}


def test_the_description_is_openapi_3_1_and_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and document["info"]["title"] == "Advocacy API"
    assert set(document["paths"]) == {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in api_rules(app)}
    assert document["components"]["securitySchemes"]["bearer"] == {**document["components"]["securitySchemes"]
                                                                   ["bearer"], "type": "http", "scheme": "bearer"}
    scopes = {}
    for path, methods in document["paths"].items():
        assert set(methods) == {"get"}
        operation = methods["get"]
        scopes[path] = operation["security"][0]["bearer"][0]
        names = {p["name"] for p in operation["parameters"]}
        assert {"limit", "cursor"} <= names
        for code in ("400", "401", "403", "429"):
            assert "application/problem+json" in operation["responses"][code]["content"], (path, code)
        assert "application/json" in operation["responses"]["200"]["content"]
    assert scopes == {f"{API_PREFIX}/people": "read:people", f"{API_PREFIX}/departments": "read:people",
                      f"{API_PREFIX}/learning/status": "read:learning",
                      f"{API_PREFIX}/certifications": "read:learning", f"{API_PREFIX}/attempts": "read:learning",
                      f"{API_PREFIX}/posts": "read:feed", f"{API_PREFIX}/shares/daily": "read:feed"}
    limit = next(p for p in document["paths"][f"{API_PREFIX}/people"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200 and limit["schema"]["minimum"] == 1


def test_nullable_fields_use_json_schema_2020_12_not_the_3_0_keyword(client):
    text = client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert '"nullable"' not in text and '"type": "null"' in text


def test_the_docs_page_lists_every_operation_parameter_and_schema_and_loads_nothing_from_elsewhere(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in document["paths"]:
        assert f"GET {path}" in html
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "read:learning" in html and "next_cursor" in html and "curl -H" in html
    external = re.findall(r'(?:src|href)="(https?:)?//(?!advocacy\.test|localhost)', html)
    assert not external, external
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/app.js"]
