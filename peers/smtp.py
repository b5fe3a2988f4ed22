"""An SMTP relay in the test process (aiosmtpd): STARTTLS, none, or implicit TLS, optional AUTH.

Mail is kept in memory with what a test needs to judge the sender: envelope, parsed message,
whether the mail came over TLS, and who authenticated. Every AUTH attempt is kept too (without the
password), so a test can prove a password was never offered in clear text.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from .certs import tls_chain
from .process import Peer, PeerUnavailable, free_port, make_workdir


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    tls: bool
    authenticated_as: str | None
    raw: bytes = field(repr=False)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass(frozen=True)
class AuthAttempt:
    mechanism: str
    login: str
    succeeded: bool
    tls: bool


def _session_tls(server, session) -> bool:
    transport = getattr(server, "transport", None)
    return session.ssl is not None or (transport is not None and transport.get_extra_info("ssl_object") is not None)


class _Collector:
    """The aiosmtpd handler: keeps every accepted message and every AUTH attempt."""

    def __init__(self, credentials: tuple[str, str] | None):
        self.credentials = credentials
        self.messages: list[ReceivedMail] = []
        self.auth_attempts: list[AuthAttempt] = []
        self.lock = threading.Lock()

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode(errors="replace")
        password = auth_data.password.decode(errors="replace")
        succeeded = self.credentials is not None and (login, password) == self.credentials
        with self.lock:
            self.auth_attempts.append(AuthAttempt(mechanism, login, succeeded, _session_tls(server, session)))
        # handled=False: aiosmtpd answers 535 itself on a failure.
        return AuthResult(success=succeeded, handled=False, auth_data=auth_data)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
        mail = ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), message,
                            _session_tls(server, session), login, envelope.content)
        with self.lock:
            self.messages.append(mail)
        return "250 Message accepted for delivery"


@dataclass(kw_only=True)
class SmtpPeer(Peer):
    host: str
    port: int
    starttls: bool
    implicit_tls: bool
    ca_file: Path | None
    username: str | None
    password: str | None
    collector: _Collector = field(repr=False)

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.collector.messages

    @property
    def auth_attempts(self) -> list[AuthAttempt]:
        return self.collector.auth_attempts

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """The messages once at least count have arrived (a sender on another thread may lag)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.messages if address in mail.rcpt_tos]


def _log_to(path: Path) -> logging.Handler:
    """aiosmtpd logs each session to the "mail.log" logger: keep it in the peer's log file."""
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("mail.log")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def _stop_logging(handler: logging.Handler) -> None:
    logging.getLogger("mail.log").removeHandler(handler)
    handler.close()


def start_smtp(starttls: bool = True, implicit_tls: bool = False, auth: tuple[str, str] | None = None, *,
               require_starttls: bool = True, workdir: Path | str | None = None) -> SmtpPeer:
    """Start an SMTP server on 127.0.0.1 in this process.

    starttls: offer STARTTLS (and, with require_starttls, refuse mail before it, as Microsoft 365 does).
    implicit_tls: TLS from the first byte (SMTPS, port-465 style); starttls is then ignored.
    auth: (username, password) for AUTH PLAIN/LOGIN. Over TLS it is required and offered only after
    the handshake; on the clear-text variant it is offered in clear (not required), so a test can
    prove the app does not hand its password over without TLS (see auth_attempts).
    """
    try:
        from aiosmtpd.controller import Controller
    except ImportError as error:
        raise PeerUnavailable("aiosmtpd is not installed: pip install -e '.[test]'") from error
    started = time.monotonic()
    folder = make_workdir("smtp", workdir)
    uses_tls = starttls or implicit_tls
    chain = tls_chain(folder) if uses_tls else None
    collector = _Collector(auth)
    options = {}
    if chain and implicit_tls:
        options["ssl_context"] = chain.server_context
    elif chain:
        options.update(tls_context=chain.server_context, require_starttls=require_starttls)
    if auth:
        # In clear text AUTH is offered but not required (aiosmtpd warns against requiring it there):
        # the variant exists to catch a sender that would hand its password over without TLS.
        options.update(authenticator=collector.authenticate, auth_required=uses_tls, auth_require_tls=uses_tls)
    port = free_port()
    log_path = folder / "smtp.log"
    log_handler = _log_to(log_path)
    controller = Controller(collector, hostname="127.0.0.1", port=port, **options)
    controller.start()
    scheme = "smtps" if implicit_tls else "smtp"
    return SmtpPeer(name="smtp", url=f"{scheme}://127.0.0.1:{port}", workdir=folder,
                    log_path=log_path, started_in=time.monotonic() - started,
                    on_stop=[lambda: _stop_logging(log_handler), controller.stop], host="127.0.0.1",
                    port=port, starttls=bool(starttls and not implicit_tls), implicit_tls=implicit_tls,
                    ca_file=chain.ca_file if chain else None, username=auth[0] if auth else None,
                    password=auth[1] if auth else None, collector=collector)
