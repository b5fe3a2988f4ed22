"""Every error of the API as RFC 9457 problem details (`application/problem+json`), never HTML:
a bad parameter names it, a missing or dead token says how to get one (with `WWW-Authenticate`),
a wrong scope names the scope needed."""
from __future__ import annotations

import json

from flask import current_app
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 429: "Too many requests", 500: "Internal server error",
          503: "Service unavailable"}
RETRY_AFTER_SECONDS = 60


class ApiProblem(Exception):
    def __init__(self, status: int, detail: str, parameter: str | None = None, scope: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.parameter, self.scope = status, detail, parameter, scope

    def body(self) -> dict:
        body: dict = {"type": "about:blank", "title": TITLES.get(self.status, "Error"), "status": self.status,
                      "detail": self.detail}
        if self.parameter:
            body["parameter"] = self.parameter
        if self.scope:
            body["scope"] = self.scope
        return body


def problem_response(problem: ApiProblem):
    response = current_app.response_class(json.dumps(problem.body()), status=problem.status,
                                          content_type=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    if problem.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="advocacy-api"'
    elif problem.status == 403:
        response.headers["WWW-Authenticate"] = f'Bearer realm="advocacy-api", error="insufficient_scope", ' \
                                               f'scope="{problem.scope}"'
    if problem.status in (429, 503):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def http_problem(error) -> object:
    """Any error of a request under /api/v1 (core/web.py asks here first): as a problem."""
    if isinstance(error, ApiProblem):
        return problem_response(error)
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    details = {404: "There is no such resource; /api/v1/docs lists them.",
               405: "The API only reads: use GET.",
               500: "Something went wrong on our side; it is logged.",
               503: "A store this request needs is unavailable; try again shortly."}
    response = problem_response(ApiProblem(code, details.get(code, TITLES.get(code, "Error"))))
    if code == 405 and isinstance(error, HTTPException):
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return response
