"""A real SMTP server on localhost for the reminder and digest tests (aiosmtpd), not a mock."""
from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message,
                              "subject": str(message["Subject"]), "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    """The app sends over SMTP to a server on 127.0.0.1; `smtp.messages` is what it received."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                                  "MAIL_USERNAME")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="")
    collector.controller = controller
    try:
        yield collector
    finally:
        controller.stop()
        app.config.update(saved)


@pytest.fixture
def world(world, frozen):
    """Every role's person plus a live post, for the access tables."""
    from advocacy.core.db import db

    from ..conftest import START
    from ..feed.factories import create_live_post

    frozen(START)
    post = create_live_post(world["marketing"], world["reviewer"])
    db.session.commit()
    return {**world, "post": post}
