"""The OpenAPI 3.1 description, written by spectree from the views' pydantic models; what
spectree cannot know (the bearer scheme, each operation's scope, problem+json for errors) is
added here, from the same decorators."""
from __future__ import annotations

import copy
from importlib.metadata import version as distribution_version

from flask import current_app
from spectree import SpecTree

from advocacy.api.problems import MEDIA_TYPE, ApiProblem
from advocacy.api.schemas import Problem

API_PREFIX = "/api/v1"
_SPEC = "advocacy.api.spec"
SCOPE_ATTRIBUTE = "api_scope"


def refuse_bad_query(request, response, error, instance, model_adapter) -> None:
    """spectree's hook: a query that fails its model is a 400 problem naming the parameter."""
    if error is None:
        return
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ()) if part != "__root__"]
    message = first.get("msg", "invalid")
    parameter = location[0] if location else None
    if parameter is None and ": " in message:  # a rule across parameters names the one refused
        parameter, message = message.removeprefix("Value error, ").split(": ", 1)
    raise ApiProblem(400, f"{parameter}: {message}" if parameter else message, parameter=parameter)


spectree = SpecTree(
    "flask", mode="strict", title="Advocacy API", version=distribution_version("advocacy"),
    # spectree's own routes are never registered (the app serves the spec and the docs itself),
    # so its path only tells which rules to leave out of the description: those of the spec itself.
    path=API_PREFIX.strip("/") + "/openapi", page_templates={},
    description="Read-only access for HR analytics and integrations: people, training status, "
                "certifications, quiz attempts, posts and their shares and clicks. Bearer tokens "
                "with scopes; cursor pagination; errors as RFC 9457 problem details.",
    validation_error_status=400, validation_error_model=Problem, before=refuse_bad_query,
    annotations=True,
    # Plain names (our models' names are unique): "Person", and "PeoplePage.Person" for a nested one.
    naming_strategy=lambda model: model.__name__,
)


def openapi_document() -> dict:
    """The description, built once per app (it depends only on the code)."""
    cached = current_app.extensions.get(_SPEC)
    if cached is None:
        cached = _complete(copy.deepcopy(spectree.spec))
        current_app.extensions[_SPEC] = cached
    return cached


def _complete(document: dict) -> dict:
    document["openapi"] = "3.1.0"
    document["servers"] = [{"url": "/"}]
    components = document.setdefault("components", {})
    components["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "An API token (adv_...), made by an admin at /admin/api or with `flask api token create`."}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            view = _view_for(path, method)
            scope = getattr(view, SCOPE_ATTRIBUTE, None) if view else None
            operation["security"] = [{"bearer": [scope] if scope else []}]
            if scope:
                operation["description"] = (operation.get("description") or "") + f"\n\nScope: `{scope}`."
            responses = operation.setdefault("responses", {})
            for code in ("401", "403", "429"):
                responses.setdefault(code, {"description": {"401": "No valid token (missing, unknown, revoked, "
                                                                   "expired)",
                                                            "403": "The token lacks the scope",
                                                            "429": "Over the token's rate limit"}[code],
                                            "content": {"application/json": {
                                                "schema": {"$ref": "#/components/schemas/Problem"}}}})
            for code, response in responses.items():
                content = response.get("content", {})
                if code.startswith(("4", "5")) and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
    return document


def _view_for(path: str, method: str):
    """The view of an OpenAPI path (/api/v1/people) and method."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == path.replace("{", "<").replace("}", ">") and method.upper() in (rule.methods or ()):
            return current_app.view_functions[rule.endpoint]
    return None
