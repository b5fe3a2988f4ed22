"""/api/v1/openapi.json (the OpenAPI 3.1 description) and /api/v1/docs, a page rendered on the
server from that description: every operation with its scope, parameters, answers and an example
request, and every schema. No viewer script, no CDN: it works without JavaScript. Both are public
(they describe the API, they hold no data)."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request

from advocacy.api.spec import API_PREFIX, openapi_document

bp = Blueprint("api_docs", __name__, url_prefix=API_PREFIX)


@bp.get("/openapi.json")
def openapi():
    response = current_app.response_class(json.dumps(openapi_document(), indent=1), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # a viewer elsewhere may read it; it holds no data
    return response


@bp.get("/docs")
def page():
    document = openapi_document()
    base = request.url_root.rstrip("/")
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            scope = next(iter(operation.get("security", [{}])[0].get("bearer", [])), None)
            operations.append({
                "id": f"{method}-{path.strip('/').replace('/', '-')}", "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""), "description": _without_scope(operation), "scope": scope,
                "parameters": [_parameter(p, document) for p in operation.get("parameters", [])],
                "responses": _grouped_responses(operation.get("responses", {})),
                "example": f"curl -H 'Authorization: Bearer $TOKEN' '{base}{path}?limit=2'",
            })
    schemas = [(name, _properties(schema, document)) for name, schema in
               sorted(document.get("components", {}).get("schemas", {}).items())]
    # The parameters most operations share are described once, above the operations.
    parameters: dict[str, dict] = {}
    for operation in operations:
        for parameter in operation["parameters"]:
            parameters.setdefault(parameter["name"], {**parameter, "used_by": []})["used_by"].append(operation["path"])
    return render_template("api/docs.html", document=document, operations=operations, schemas=schemas,
                           parameters=list(parameters.values()), spec_url=base + API_PREFIX + "/openapi.json")


def _grouped_responses(responses: dict) -> list[tuple[str, str | None]]:
    """("200", "PeoplePage"), ("400, 401, 403, 429", "Problem"): status codes by the body they share."""
    grouped: dict[str | None, list[str]] = {}
    for code, response in sorted(responses.items()):
        grouped.setdefault(_schema_name(response), []).append(code)
    return [(", ".join(codes), schema) for schema, codes in grouped.items()]


def _without_scope(operation: dict) -> str:
    return (operation.get("description") or "").split("\n\nScope:")[0].strip()


def _resolve(schema: dict, document: dict) -> dict:
    ref = schema.get("$ref")
    if ref and ref.startswith("#/components/schemas/"):
        return document["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
    return schema


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if schema.get("format") else str(kind)


def _limits(schema: dict) -> str:
    parts = []
    for key, label in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤")):
        if key in schema:
            parts.append(f"{label} {schema[key]}")
    if "default" in schema and schema["default"] is not None:
        parts.append(f"default {schema['default']}")
    return ", ".join(parts)


def _parameter(parameter: dict, document: dict) -> dict:
    schema = _resolve(parameter.get("schema", {}), document)
    return {"name": parameter.get("name"), "where": parameter.get("in"), "required": parameter.get("required", False),
            "type": _type_of(schema), "limits": _limits(schema),
            "description": parameter.get("description") or schema.get("description", "")}


def _schema_name(response: dict) -> str | None:
    for content in response.get("content", {}).values():
        ref = content.get("schema", {}).get("$ref")
        if ref:
            return ref.rsplit("/", 1)[1]
    return None


def _properties(schema: dict, document: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [{"name": name, "type": _type_of(prop), "required": name in required,
             "description": prop.get("description", ""), "limits": _limits(prop),
             "example": (prop.get("examples") or [None])[0]}
            for name, prop in schema.get("properties", {}).items()]
