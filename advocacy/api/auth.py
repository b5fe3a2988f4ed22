"""Who may call the API: a bearer token (api/tokens.py) that is live and holds the view's scope,
within its own rate limit (API_RATE_LIMIT). A browser session is no token: the API takes no
cookies, so CSRF cannot apply to it (its blueprint is exempt)."""
from __future__ import annotations

from functools import wraps

from advocacy.api.models import ApiToken
from advocacy.api.problems import ApiProblem
from advocacy.api.spec import SCOPE_ATTRIBUTE
from advocacy.api.tokens import find_token
from advocacy.core.transaction import writes_on_get
from advocacy.identity import bearer

LAST_USE = "a token's last use is noted, at most once a minute, for the admin's list of tokens"


def api_view(scope: str):
    """The view needs a live token with `scope`: 401 without one, 403 with the wrong scope, 429
    over the token's limit; all as problem details."""
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            token = find_token(bearer.bearer_value())
            if token is None:
                raise ApiProblem(401, "A valid API token is required: send it as 'Authorization: Bearer adv_...'. "
                                      "Admins make tokens at /admin/api; a revoked or expired token no longer works.")
            if scope not in token.scope_list:
                raise ApiProblem(403, f"This token does not have the scope {scope}.", scope=scope)
            if not bearer.within_rate(token, "API_RATE_LIMIT", "api-token"):
                raise ApiProblem(429, f"Too many requests for the token {token.name}; try again in a minute.")
            bearer.note_use(ApiToken, token)
            response = view(*args, **kwargs)
            response.headers["Cache-Control"] = "no-store"
            return response

        setattr(guarded, SCOPE_ATTRIBUTE, scope)
        return writes_on_get(LAST_USE)(guarded)

    return decorator
