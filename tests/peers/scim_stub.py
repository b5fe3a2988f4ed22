"""A throwaway SCIM server, ONLY for the smoke test of the scim2-tester runner (test_scim.py).

It is not the app's SCIM endpoint and must never become it: Users in a dict, no filters, no
PATCH, no Groups, no enterprise extension, and `attributes`/`excludedAttributes` and /.search
ignored on purpose (the test expects scim2-tester to report those as failures). It exists to prove that scim2-tester runs here against
a live HTTP server with a bearer token, and that the runner reports passes, failures and skips.
"""
from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timezone

from scim2_models import Context, ResourceType, User
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from peers.process import free_port

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def _reply(body: dict | None, status: int = 200) -> Response:
    return Response(json.dumps(body) if body is not None else "", status=status, content_type=SCIM_JSON)


def _error(status: int, detail: str) -> Response:
    return _reply({"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}, status)


def _listing(resources: list[dict]) -> dict:
    return {"schemas": [LIST_SCHEMA], "totalResults": len(resources), "startIndex": 1,
            "itemsPerPage": len(resources), "Resources": resources}


def _dump(model) -> dict:
    return model.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


class ScimStub:
    """Serves /ServiceProviderConfig, /ResourceTypes, /Schemas and /Users on 127.0.0.1 in a thread."""

    def __init__(self, token: str, *, advertise_patch: bool = False):
        self.token = token
        self.users: dict[str, dict] = {}
        self.advertise_patch = advertise_patch
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/scim/v2"
        self._server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True,
                                   request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._thread.join(5)

    def _wsgi(self, environ, start_response):
        return self.answer(Request(environ))(environ, start_response)

    def answer(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(401, "A valid bearer token is required.")
        parts = [part for part in request.path.removeprefix("/scim/v2").split("/") if part]
        if not parts:
            return _error(404, "Nothing here.")
        handler = {"ServiceProviderConfig": self._config, "ResourceTypes": self._resource_types,
                   "Schemas": self._schemas, "Users": self._users}.get(parts[0])
        if handler is None:
            return _error(404, f"No endpoint {parts[0]}.")
        return handler(request, parts[1:])

    def _config(self, request, rest):
        if request.method != "GET" or rest:
            return _error(405, "Read only.")
        supported = {"supported": False}
        return _reply({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                       "patch": {"supported": self.advertise_patch}, "bulk": {**supported, "maxOperations": 0,
                                                                             "maxPayloadSize": 0},
                       "filter": {**supported, "maxResults": 0}, "changePassword": supported, "sort": supported,
                       "etag": supported, "authenticationSchemes": [
                           {"type": "oauthbearertoken", "name": "Bearer token", "description": "A token",
                            "primary": True}]})

    def _resource_types(self, request, rest):
        if request.method != "GET":
            return _error(405, "Read only.")
        user_type = {**_dump(ResourceType.from_resource(User)),
                     "meta": {"resourceType": "ResourceType", "location": f"{self.url}/ResourceTypes/User"}}
        if not rest:
            return _reply(_listing([user_type]))
        return _reply(user_type) if rest == ["User"] else _error(404, "No such resource type.")

    def _schemas(self, request, rest):
        if request.method != "GET":
            return _error(405, "Read only.")
        schema = {**_dump(User.to_schema()), "meta": {"resourceType": "Schema",
                                                       "location": f"{self.url}/Schemas/{USER_SCHEMA}"}}
        if not rest:
            return _reply(_listing([schema]))
        return _reply(schema) if rest == [USER_SCHEMA] else _error(404, "No such schema.")

    def _users(self, request, rest):
        if not rest:
            if request.method == "POST":
                return self._store(str(uuid.uuid4()), request.get_json(force=True), created=True)
            return _reply(_listing(list(self.users.values())))
        user_id = rest[0]
        if user_id not in self.users:
            return _error(404, f"No user {user_id}.")
        if request.method == "GET":
            return _reply(self.users[user_id])
        if request.method == "PUT":
            return self._store(user_id, request.get_json(force=True), created=False)
        if request.method == "DELETE":
            del self.users[user_id]
            return _reply(None, 204)
        return _error(501, f"{request.method} is not implemented by this stub.")

    def _store(self, user_id: str, payload: dict, *, created: bool) -> Response:
        if not payload.get("userName"):
            return _error(400, "userName is required.")
        now = datetime.now(timezone.utc).isoformat()
        first = self.users.get(user_id, {}).get("meta", {}).get("created", now)
        user = {key: value for key, value in payload.items() if key not in ("id", "meta", "password")}
        user.update(id=user_id, meta={"resourceType": "User", "created": first, "lastModified": now,
                                      "location": f"{self.url}/Users/{user_id}"})
        self.users[user_id] = user
        return _reply(user, 201 if created else 200)
