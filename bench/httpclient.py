"""A small HTTP client with cookies and keep-alive, for the load tools and the scale-out test.

It logs in through the real form (with its CSRF token), like a browser without JavaScript.
Only loopback addresses are accepted: these tools never send traffic anywhere else.
"""
from __future__ import annotations

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


class Session:
    def __init__(self, base_url: str, timeout: float = 30.0):
        parts = urllib.parse.urlsplit(base_url)
        if parts.hostname not in LOOPBACK_HOSTS:
            raise ValueError(f"{base_url}: these tools only talk to servers on this machine")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # sent with every request (a User-Agent, say)
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        sent = {"Accept-Language": "en", **self.headers, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=sent)
                raw = conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection (gunicorn's sync workers do after each
                # response): open a new one once. A second failure is real.
                self.close()
                if attempt == 2:
                    raise
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        self._remember_cookies(raw.msg)
        return Response(raw.status, raw.msg, data)

    def _remember_cookies(self, headers: http.client.HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or ():
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in (morsel["expires"] or "")
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF_FIELD.search(page.text)
        if not match:
            raise AssertionError(f"no CSRF token on {path} (status {page.status})")
        return match.group(1)

    def submit(self, form_path: str, fields: dict, action: str | None = None) -> Response:
        """GET a page with a form, then POST `fields` with that page's CSRF token."""
        token = self.csrf_token(form_path)
        return self.post(action or form_path, {"csrf_token": token, **fields})

    def login(self, email: str, password: str) -> Response:
        return self.submit("/login", {"email": email, "password": password})
