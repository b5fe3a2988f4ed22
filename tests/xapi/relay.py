"""A small HTTP relay in front of Ralph, in the test process: it can slow each POST down (to kill a
worker in the middle of sending) or answer every request with an error status (an LRS in trouble)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class Relay:
    def __init__(self, target: str, delay: float = 0.0, status: int | None = None):
        self.target, self.delay, self.status = target.rstrip("/") + "/", delay, status
        self.posts = 0
        self.unanswered = 0
        self.in_flight = 0  # POSTs received and not answered yet
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if method == "POST":
                    relay.posts += 1
                    relay.in_flight += 1
                try:
                    self._answer(method, body)
                finally:
                    if method == "POST":
                        relay.in_flight -= 1

            def _answer(self, method: str, body: bytes) -> None:
                if relay.status is not None:
                    self.send_response(relay.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"detail": "the relay says no"}')
                    return
                if method == "POST" and relay.delay:
                    time.sleep(relay.delay)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                path = self.path.split("/xAPI/", 1)[-1]
                answer = requests.request(method, relay.target + path, data=body, headers=headers, timeout=30)
                try:
                    self.send_response(answer.status_code)
                    self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                    self.send_header("Content-Length", str(len(answer.content)))
                    self.end_headers()
                    self.wfile.write(answer.content)
                except BrokenPipeError:  # the worker was killed while waiting: Ralph has the batch anyway
                    relay.unanswered += 1

            def do_POST(self):  # noqa: N802
                self._forward("POST")

            def do_GET(self):  # noqa: N802
                self._forward("GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def __enter__(self) -> Relay:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
