"""What a browser does during a sign-in, done with plain HTTP: keep cookies, follow redirects by hand.

The peers' sign-in helpers use it to walk from the app's authorization redirect to the answer the
provider sends back, stopping where that answer would go to the app (the test hands it to the app
itself, e.g. through Flask's test client). Standard library only.
"""
from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar

MAX_REDIRECTS = 10


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Answer:
    status: int
    url: str
    location: str | None
    text: str


class Browserless:
    """A cookie-keeping HTTP client that never follows a redirect by itself."""

    def __init__(self):
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, url: str, form: dict[str, str] | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET")
        try:
            response = self._opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = response.read().decode("utf-8", errors="replace")
            location = response.headers.get("Location")
            return Answer(response.status, url, urllib.parse.urljoin(url, location) if location else None, body)

    def follow(self, answer: Answer, stop_at: str) -> Answer | str:
        """Follow redirects from answer; return the URL of the first one that starts with stop_at,
        or the first answer that is not a redirect."""
        for _ in range(MAX_REDIRECTS):
            if answer.location is None:
                return answer
            if answer.location.startswith(stop_at):
                return answer.location
            answer = self.request(answer.location)
        raise RuntimeError(f"more than {MAX_REDIRECTS} redirects from {answer.url}")


def hidden_inputs(page: str) -> dict[str, str]:
    """The hidden inputs of an HTML page, by name, unescaped (attributes in either quote style)."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page, flags=re.IGNORECASE):
        attributes = dict((name.lower(), html.unescape(value[1:-1]))
                          for name, value in re.findall(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*')""", tag))
        if attributes.get("type", "").lower() == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def form_action(page: str) -> str | None:
    match = re.search(r"""<form\b[^>]*\baction\s*=\s*("[^"]*"|'[^']*')""", page, flags=re.IGNORECASE)
    return html.unescape(match.group(1)[1:-1]) if match else None
