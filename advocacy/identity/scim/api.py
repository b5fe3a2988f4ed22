"""/scim/v2: the bearer-token API an identity provider provisions people through (RFC 7644).

One view reads the path and hands it to the resource's function, so every answer, also for an
unknown URL or a wrong method, is SCIM's own JSON (`application/scim+json`). The blueprint, and
only it, is exempt from CSRF: it takes no cookies, only `Authorization: Bearer`.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from advocacy.core import audit
from advocacy.core.db import db
from advocacy.core.transaction import writes_on_get
from advocacy.identity.bearer import bearer_value
from advocacy.identity.scim import discovery, groups, users
from advocacy.identity.scim.protocol import (
    MEDIA_TYPE,
    SEARCH_REQUEST,
    ScimError,
    list_response,
    paging,
    parse_filter,
    select_attributes,
)
from advocacy.identity.scim.tokens import find_token, note_use, within_rate
from advocacy.identity.scim.users import Caller

SCIM_PATH = "/scim/v2"
bp = Blueprint("scim", __name__, url_prefix=SCIM_PATH)
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def reply(body: dict | None, status: int = 200, headers: dict | None = None) -> ResponseReturnValue:
    response = current_app.response_class("" if body is None else json.dumps(body), status=status,
                                          content_type=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@bp.errorhandler(ScimError)
def scim_error(error: ScimError):
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="scim"'
    if error.status == 429:
        headers["Retry-After"] = "60"
    if request.method in WRITES and error.status in (400, 409):
        record_refusal(error)
    return reply(error.body(), error.status, headers)


def record_refusal(error: ScimError) -> None:
    """The refused change is rolled back; the entry saying it was refused is kept (core/audit.py:
    committed on its own, as the request's transaction ends in a rollback, as every 400 does)."""
    db.session.rollback()  # before the token is looked up: nothing of the refused change is flushed
    token = find_token(bearer_value())
    audit.record_refusal("scim.refused",
                         f"SCIM ({token.name if token else '?'}): {request.method} {request.path}: {error.detail}")


def authorise() -> Caller:
    token = find_token(bearer_value())
    if token is None:
        raise ScimError(401, "A valid bearer token is required (an admin creates one: flask scim token create NAME).")
    if not within_rate(token):
        raise ScimError(429, f"Too many requests for the token {token.name}; try again in a minute.")
    note_use(token)
    return Caller(token_name=token.name, actor_id=None, base_url=request.url_root.rstrip("/") + SCIM_PATH)


def body():
    document = request.get_json(force=True, silent=True)
    if document is None:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax")
    return document


@bp.route("", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@writes_on_get("a SCIM token's last use is recorded, at most once a minute")
def endpoint(path: str):
    caller = authorise()
    parts = [part for part in path.split("/") if part]
    if not parts:
        raise ScimError(404, "This is the SCIM base: see /ServiceProviderConfig, /ResourceTypes and /Schemas.")
    head, rest = parts[0], parts[1:]
    if head in ("Users", "Groups"):
        return resource(head, rest, caller)
    if head == ".search" and not rest:
        _allow("POST")
        return search_everything(caller)
    if head in ("ServiceProviderConfig", "ResourceTypes", "Schemas"):
        _allow("GET")
        return describe(head, rest, caller.base_url)
    raise ScimError(404, f"There is no endpoint /{path}.")


def _allow(*methods: str) -> None:
    if request.method not in methods:
        raise ScimError(405, f"{request.method} is not allowed here (only {', '.join(methods)}).")


def describe(head: str, rest: list[str], base_url: str):
    if head == "ServiceProviderConfig":
        if rest:
            raise ScimError(404, "ServiceProviderConfig has no sub-resources.")
        return reply(discovery.service_provider_config(base_url))
    items = discovery.resource_types(base_url) if head == "ResourceTypes" else discovery.schemas(base_url)
    if not rest:
        return reply(list_response(items, len(items), 1))
    wanted = "/".join(rest)
    for item in items:
        if item["id"] == wanted:
            return reply(item)
    raise ScimError(404, f"There is no {head[:-1]} {wanted}.")


# -- Users and Groups ----------------------------------------------------------------------------

def resource(kind: str, rest: list[str], caller: Caller):
    if not rest:
        _allow("GET", "POST")
        if request.method == "GET":
            return listing(kind, request.args, caller)
        return create(kind, caller)
    if rest == [".search"]:
        _allow("POST")
        return search(kind, caller)
    if len(rest) > 1:
        raise ScimError(404, f"There is no endpoint /{kind}/{'/'.join(rest)}.")
    _allow("GET", "PUT", "PATCH", "DELETE")
    resource_id = rest[0]
    if kind == "Users":
        return one_user(resource_id, caller)
    return one_group(resource_id, caller)


def _show(document: dict, status: int = 200, args=None):
    args = request.args if args is None else args
    headers = {"Location": document["meta"]["location"]} if status == 201 else None
    return reply(select_attributes(document, args.get("attributes"), args.get("excludedAttributes")), status, headers)


def _found(kind: str, arguments: dict, caller: Caller) -> tuple[int, list[dict], int]:
    start, count = paging(arguments.get("startIndex"), arguments.get("count"))
    if kind == "Users":
        total, rows = users.search_users(parse_filter(arguments.get("filter"), users.FILTERABLE), start, count)
        return total, [users.user_resource(user, row, caller.base_url) for user, row in rows], start
    total, found = groups.search_groups(parse_filter(arguments.get("filter"), groups.FILTERABLE), start, count)
    return total, [groups.group_resource(group, caller.base_url) for group in found], start


def listing(kind: str, arguments, caller: Caller):
    total, documents, start = _found(kind, arguments, caller)
    selected = [select_attributes(document, arguments.get("attributes"), arguments.get("excludedAttributes"))
                for document in documents]
    return reply(list_response(selected, total, start))


def _search_arguments() -> dict:
    document = body()
    if not isinstance(document, dict) or SEARCH_REQUEST not in (document.get("schemas") or []):
        raise ScimError(400, f"A search body is a SearchRequest ({SEARCH_REQUEST}).", "invalidSyntax")
    for name in ("attributes", "excludedAttributes"):
        if isinstance(document.get(name), list):
            document[name] = ",".join(str(item) for item in document[name])
    return document


def search(kind: str, caller: Caller):
    return listing(kind, _search_arguments(), caller)


def search_everything(caller: Caller):
    """POST /.search: Users then Groups (a filter on an attribute one of them lacks leaves it out)."""
    arguments = _search_arguments()
    start, count = paging(arguments.get("startIndex"), arguments.get("count"))
    documents: list[dict] = []
    total = 0
    for kind, filterable in (("Users", users.FILTERABLE), ("Groups", groups.FILTERABLE)):
        try:
            parse_filter(arguments.get("filter"), filterable)
        except ScimError:
            continue
        kind_total, found, _ = _found(kind, {**arguments, "startIndex": 1, "count": start - 1 + count}, caller)
        total += kind_total
        documents.extend(found)
    page = documents[start - 1:start - 1 + count]
    selected = [select_attributes(d, arguments.get("attributes"), arguments.get("excludedAttributes")) for d in page]
    return reply(list_response(selected, total, start))


def create(kind: str, caller: Caller):
    if kind == "Users":
        user, row = users.create_user(body(), caller)
        return _show(users.user_resource(user, row, caller.base_url), 201)
    config = current_app.config
    group = groups.create_group(body(), caller, config["SCIM_GROUPS"], groups.role_map(config["SCIM_ROLE_GROUPS"]))
    return _show(groups.group_resource(group, caller.base_url), 201)


def one_user(resource_id: str, caller: Caller):
    user, row = users.get_user(resource_id)
    if request.method == "GET":
        return _show(users.user_resource(user, row, caller.base_url))
    if request.method == "DELETE":
        users.delete_user(user, row, caller)
        return reply(None, 204)
    if request.method == "PUT":
        row = users.replace_user(user, row, body(), caller)
    else:
        row = users.patch_user(user, row, body(), caller)
    return _show(users.user_resource(user, row, caller.base_url))


def one_group(resource_id: str, caller: Caller):
    group = groups.get_group(resource_id)
    if request.method == "GET":
        return _show(groups.group_resource(group, caller.base_url))
    if request.method == "DELETE":
        groups.delete_group(group, caller)
        return reply(None, 204)
    if request.method == "PUT":
        group = groups.replace_group(group, body(), caller)
    else:
        group = groups.patch_group(group, body(), caller)
    return _show(groups.group_resource(group, caller.base_url))
