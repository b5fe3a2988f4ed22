"""Sending mail over SMTP properly: one connection per batch, TLS that cannot be skipped, honest results.

No Flask here: the caller passes an `SmtpSettings` and gets a `SendResult` per message, so the job
queue can retry exactly what a retry can fix and nothing that was already delivered.

Why each choice:
- security="starttls" means STARTTLS is *required*. A server that does not offer it (or a man in
  the middle who strips it from the EHLO reply) gets `MailSecurityError` before AUTH or any
  message: a password or a mail in clear text is worse than a mail not sent.
- Certificates are verified against the system store or `ca_file`, with the host name checked;
  only `verify=False`, set on purpose, turns that off.
- Each transaction is driven step by step (MAIL, RCPT, DATA) so that a dropped connection is
  retried on a new one only when the server cannot have accepted the message: nothing twice.
- The rate limit is a sliding window: never more than `rate_per_minute` messages in any 60 seconds,
  which is how relays such as Microsoft 365 count; a small batch (a password reset) goes at once.
- Logs carry the message id, the reason and the number of recipients with their domains, never the
  addresses (server replies that echo an address are redacted too).
"""
from __future__ import annotations

import copy
import enum
import html as html_lib
import logging
import re
import smtplib
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy as email_policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from functools import partial
from typing import Literal

log = logging.getLogger("advocacy.mail")

Security = Literal["starttls", "ssl", "none"]
SECURITY_MODES: tuple[str, ...] = ("starttls", "ssl", "none")

_HEADER_CLASSES: dict[str, type] = {}


class _CachedHeaderRegistry(HeaderRegistry):
    """The stock registry makes a new class for every header it parses; building a reminder spent a
    third of its time there (measured with bench/mail_throughput.py). Same classes, made once."""

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in _HEADER_CLASSES:
            _HEADER_CLASSES[key] = super().__getitem__(name)
        return _HEADER_CLASSES[key]


BUILD_POLICY = email_policy.default.clone(header_factory=_CachedHeaderRegistry())
# Headers are folded at the hard limit of 998 characters, not 78: at 78 the email package turns a
# long List-Unsubscribe URL into encoded words, which no mail client reads as a link.
OUTGOING_POLICY = BUILD_POLICY.clone(max_line_length=998)
WIRE_POLICY = OUTGOING_POLICY.clone(linesep="\r\n")

# Set by build_message itself; passing them as extra headers would make duplicates.
RESERVED_HEADERS = frozenset(
    name.lower() for name in ("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
                              "Content-Type", "Content-Transfer-Encoding"))


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the relay. Checked when made, so a bad configuration fails at start."""

    host: str
    port: int = 587
    username: str = ""
    password: str = field(default="", repr=False)
    security: Security = "starttls"
    verify: bool = True
    ca_file: str | None = None
    timeout: float = 30.0
    local_hostname: str | None = None
    rate_per_minute: int | None = None
    max_per_connection: int | None = 100

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("SMTP host is empty")
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"SMTP port must be between 1 and 65535, not {self.port}")
        if self.timeout <= 0:
            raise ValueError("SMTP timeout must be positive")
        for name in ("rate_per_minute", "max_per_connection"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"SMTP {name} must be at least 1 (or unset), not {value}")
        if self.security == "none" and self.username:
            raise ValueError("SMTP security 'none' with a username would send the password in clear text; "
                             "use 'starttls' or 'ssl'")


# --- Errors and results -------------------------------------------------------------------------

class MailError(Exception):
    """A failure of the connection itself (not of one message); `temporary` says if a retry may help."""

    temporary = True

    def __init__(self, message: str, temporary: bool | None = None):
        super().__init__(message)
        if temporary is not None:
            self.temporary = temporary


class MailSecurityError(MailError):
    """TLS missing or untrusted: retrying with the same settings cannot help; an operator must act."""

    temporary = False


class MailConnectionError(MailError):
    """The relay could not be reached or went away: a later retry may well succeed."""

    temporary = True


class MailAuthError(MailError):
    """The relay refused the login (535) or could not check it right now (454, temporary)."""

    temporary = False


class SendStatus(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Refusal:
    address: str
    code: int
    reason: str

    @property
    def temporary(self) -> bool:
        return reply_is_temporary(self.code, stage="rcpt")


@dataclass(frozen=True)
class SendResult:
    """What happened to one message.

    SENT: every recipient accepted. TEMPORARY: some or all recipients did not get it and a retry
    to `retry_recipients` may fix that. PERMANENT: something failed that a retry cannot fix.
    `accepted` lists who got it, so a retry never sends to them again. `maybe_delivered` is set
    when the connection died after the message was handed over but before the server answered:
    the server may or may not have kept it.
    """

    message_id: str
    status: SendStatus
    accepted: tuple[str, ...] = ()
    refused: tuple[Refusal, ...] = ()
    retry_recipients: tuple[str, ...] = ()
    code: int | None = None
    reason: str = ""
    maybe_delivered: bool = False

    @property
    def ok(self) -> bool:
        return self.status is SendStatus.SENT

    @property
    def temporary(self) -> bool:
        return self.status is SendStatus.TEMPORARY


def reply_is_temporary(code: int, stage: str) -> bool:
    """4xx is temporary, 5xx permanent; RFC 5321 4.5.3.1.10: 552 to RCPT means 'too many
    recipients', to be treated as temporary. Anything unparsable (smtplib gives -1) may pass."""
    if 400 <= code < 500:
        return True
    if code == 552 and stage == "rcpt":
        return True
    return not 500 <= code < 600


_ADDRESS = re.compile(r"[^\s<>\"'(),;:@\[\]]+@([A-Za-z0-9.-]+)")


def redact_addresses(text: str) -> str:
    """Server replies often echo the address ('<bob@example.com>: user unknown'): keep the domain."""
    return _ADDRESS.sub(lambda match: "…@" + match.group(1), text)


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return redact_addresses(" ".join(text.split()))


def _domains(addresses: Iterable[str]) -> str:
    domains = sorted({address.rpartition("@")[2].lower() for address in addresses})
    shown = ", ".join(domains[:3])
    return shown + (f" and {len(domains) - 3} more" if len(domains) > 3 else "")


# --- Building messages --------------------------------------------------------------------------

def check_header(name: str, value: str) -> None:
    """Refuse what could smuggle in a header or a recipient: CR, LF or any other line break."""
    if not name or any(not 33 <= ord(char) <= 126 or char == ":" for char in name):
        raise ValueError(f"invalid mail header name {name!r}")
    if "\r" in value or "\n" in value or len(value.splitlines()) > 1:
        raise ValueError(f"mail header {name} may not contain a line break")


def _one_address(value: str, what: str) -> str:
    check_header(what, value)
    parsed = getaddresses([value])
    address = parsed[0][1] if len(parsed) == 1 else ""
    if address.count("@") != 1 or address.startswith("@") or address.endswith("@"):
        raise ValueError(f"{what} must be exactly one mail address")
    return value


def _message_id_domain(sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not domain:
        raise ValueError("the sender has no domain to make a Message-ID with")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def build_message(sender: str, to: str | Sequence[str], subject: str, text: str, html: str | None = None,
                  headers: Mapping[str, str] | None = None, message_id_domain: str | None = None,
                  date: datetime | None = None) -> EmailMessage:
    """A complete message: Date and Message-ID always, the text part and (given HTML) an HTML
    alternative, extra headers such as List-Unsubscribe. `date` must be timezone-aware."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("a mail needs at least one recipient")
    msg = EmailMessage(policy=BUILD_POLICY)
    msg["From"] = _one_address(sender, "From")
    msg["To"] = ", ".join(_one_address(address, "To") for address in recipients)
    check_header("Subject", subject)
    msg["Subject"] = subject
    msg["Date"] = _format_date(date)
    if message_id_domain is not None:
        check_header("Message-ID", message_id_domain)
    msg["Message-ID"] = make_msgid(domain=message_id_domain or _message_id_domain(sender))
    for name, value in (headers or {}).items():
        check_header(name, value)
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"mail header {name} is set by build_message")
        msg[name] = value
    msg.set_content(text, cte="quoted-printable")
    if html is not None:
        msg.add_alternative(html, subtype="html", cte="quoted-printable")
    msg.policy = OUTGOING_POLICY
    return msg


def _format_date(date: datetime | None) -> str:
    """RFC 5322 form in UTC, '+0000' (the email package writes that even for 'GMT', which RFC 5322
    lists as obsolete syntax)."""
    if date is None:
        date = datetime.now(UTC)
    if date.tzinfo is None:
        raise ValueError("a mail's date must be timezone-aware")
    return format_datetime(date.astimezone(UTC))


_URL = re.compile(r"https?://[^\s<>\"]+")
_TRAILING_PUNCTUATION = ".,;:!?)]}'"


def _linkify(line: str) -> str:
    parts, position = [], 0
    for match in _URL.finditer(line):
        url = match.group().rstrip(_TRAILING_PUNCTUATION)
        end = match.start() + len(url)
        parts.append(html_lib.escape(line[position:match.start()]))
        parts.append(f'<a href="{html_lib.escape(url)}">{html_lib.escape(url)}</a>')
        position = end
    parts.append(html_lib.escape(line[position:]))
    return "".join(parts)


def text_to_html(text: str, lang: str = "en", title: str = "") -> str:
    """The plain text as minimal, accessible HTML: a language, a title, paragraphs, real links,
    no images and no remote anything; every character of the text escaped."""
    paragraphs = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    body = "\n".join("<p>" + "<br>\n".join(_linkify(line) for line in block.strip().splitlines()) + "</p>"
                     for block in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="{html_lib.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html_lib.escape(title)}</title>\n</head>\n"
            f'<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">\n{body}\n</body>\n</html>\n')


# --- Rate limit ---------------------------------------------------------------------------------

class RateLimiter:
    """At most `per_minute` sends in any 60 seconds. Keep one per process (not per batch) so that
    batches that follow each other still respect the relay's limit."""

    WINDOW = 60.0

    def __init__(self, per_minute: int | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.per_minute = per_minute
        self.clock, self.sleep = clock, sleep
        self._sent: deque[float] = deque(maxlen=per_minute or 1)

    def wait(self) -> None:
        if not self.per_minute:
            return
        if len(self._sent) == self.per_minute:
            delay = self._sent[0] + self.WINDOW - self.clock()
            if delay > 0:
                self.sleep(delay)
        self._sent.append(self.clock())


# --- The transport ------------------------------------------------------------------------------

class _Dropped(Exception):
    """The connection went away before the server could have accepted the message."""


@dataclass(frozen=True)
class _Envelope:
    sender: str
    recipients: tuple[str, ...]

    @property
    def is_ascii(self) -> bool:
        return all(address.isascii() for address in (self.sender, *self.recipients))


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ca_file)
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def envelope_of(msg: EmailMessage, recipients: Sequence[str] | None = None) -> _Envelope:
    sender = parseaddr(str(msg["Sender"] or msg["From"] or ""))[1]
    if not sender:
        raise ValueError("the message has no From address")
    if recipients is None:
        values = [str(value) for name in ("To", "Cc", "Bcc") for value in msg.get_all(name, [])]
        recipients = [address for _, address in getaddresses(values) if address]
    if not recipients:
        raise ValueError("the message has no recipients")
    return _Envelope(sender, tuple(dict.fromkeys(recipients)))


class SmtpTransport:
    """One connection, many messages: `with SmtpTransport(settings) as smtp: smtp.send(msg)`.

    Opens lazily, reconnects when the server dropped the connection or after max_per_connection
    messages. `send` returns a SendResult for what concerns the message and raises MailError for
    what concerns the connection (unreachable, TLS, login). Not thread-safe: one per worker thread.
    """

    def __init__(self, settings: SmtpSettings, *, limiter: RateLimiter | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.rate_per_minute, clock, sleep)
        self.connections_opened = 0
        self._context = tls_context(settings) if settings.security != "none" else None
        if self._context is not None and not settings.verify:
            log.warning("certificate verification is off for %s:%d (verify=False)", settings.host, settings.port)
        self._connection: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def send(self, msg: EmailMessage, recipients: Sequence[str] | None = None) -> SendResult:
        """Send one message (adding Date and Message-ID if it lacks them) to its To, Cc and Bcc,
        or to `recipients` (a retry to the ones that a temporary refusal left out)."""
        _ensure_date_and_id(msg)
        message_id = str(msg["Message-ID"])
        envelope = envelope_of(msg, recipients)
        payload = _wire_bytes(msg, utf8=not envelope.is_ascii)
        self.limiter.wait()
        try:
            result = self._deliver(envelope, payload, message_id)
        except MailError as error:
            log.error("mail %s not sent (%d recipient(s) at %s): %s", message_id, len(envelope.recipients),
                      _domains(envelope.recipients), error)
            raise
        _log_result(result, envelope.recipients)
        return result

    def _deliver(self, envelope: _Envelope, payload: bytes, message_id: str) -> SendResult:
        """One transaction; once more on a new connection if the old one was found dead before the
        server could have kept the message (an idle timeout, a 421, a relay's per-connection cap)."""
        lost = ""
        for _ in range(2):
            connection = self._connect_if_needed()
            try:
                result = self._transact(connection, envelope, payload, message_id)
            except _Dropped as dropped:
                self._discard()
                lost = str(dropped)
                log.info("mail %s: connection to %s lost (%s); reconnecting", message_id, self.settings.host, lost)
                continue
            self._sent_on_connection += 1
            return result
        return SendResult(message_id, SendStatus.TEMPORARY, retry_recipients=envelope.recipients,
                          reason=f"connection lost twice: {lost}")

    # The connection ---------------------------------------------------------------------------

    def _connect_if_needed(self) -> smtplib.SMTP:
        limit = self.settings.max_per_connection
        if self._connection is not None and limit and self._sent_on_connection >= limit:
            self.close()
        if self._connection is None:
            self._connection = self._open()
            self._sent_on_connection = 0
            self.connections_opened += 1
        return self._connection

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        connection: smtplib.SMTP | None = None
        where = f"{settings.host}:{settings.port}"
        try:
            if settings.security == "ssl":
                connection = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=settings.local_hostname,
                                              timeout=settings.timeout, context=self._context)
            else:
                connection = smtplib.SMTP(settings.host, settings.port, local_hostname=settings.local_hostname,
                                          timeout=settings.timeout)
            connection.ehlo_or_helo_if_needed()
            if settings.security == "starttls":
                self._start_tls(connection, where)
            if settings.username:
                self._login(connection, where)
            return connection
        except Exception as error:
            if connection is not None:
                connection.close()
            mapped = _connection_error(error, where)
            if mapped is error:
                raise
            raise mapped from error

    def _start_tls(self, connection: smtplib.SMTP, where: str) -> None:
        if not connection.has_extn("starttls"):
            raise MailSecurityError(f"server {where} does not offer STARTTLS; refusing to send in clear text")
        try:
            connection.starttls(context=self._context)
        except smtplib.SMTPResponseException as refused:
            raise MailSecurityError(f"server {where} refused STARTTLS ({refused.smtp_code} "
                                    f"{_reply_text(refused.smtp_error)}); refusing to send in clear text") from refused
        connection.ehlo()

    def _login(self, connection: smtplib.SMTP, where: str) -> None:
        try:
            connection.login(self.settings.username, self.settings.password)
        except smtplib.SMTPNotSupportedError as error:
            raise MailAuthError(f"server {where} does not offer AUTH but a username is configured") from error
        except smtplib.SMTPResponseException as refused:
            raise MailAuthError(f"server {where} refused the login ({refused.smtp_code} "
                                f"{_reply_text(refused.smtp_error)})",
                                temporary=400 <= refused.smtp_code < 500) from refused

    # One transaction --------------------------------------------------------------------------

    def _transact(self, connection: smtplib.SMTP, envelope: _Envelope, payload: bytes,
                  message_id: str) -> SendResult:
        needs_utf8 = not envelope.is_ascii
        if needs_utf8 and not connection.has_extn("smtputf8"):
            return SendResult(message_id, SendStatus.PERMANENT,
                              reason="an address is not ASCII and the server does not offer SMTPUTF8")
        options = ["SMTPUTF8"] if needs_utf8 else []
        if not payload.isascii() and connection.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        code, reply = _command(connection, partial(connection.mail, envelope.sender, options))
        if code != 250:
            return self._failed(connection, message_id, "mail", code, reply, envelope.recipients)
        accepted, refused = [], []
        for address in envelope.recipients:
            code, reply = _command(connection, partial(connection.rcpt, address))
            if code in (250, 251):
                accepted.append(address)
            else:
                refused.append(Refusal(address, code, _reply_text(reply)))
        if not accepted:
            self._reset(connection)
            return _recipients_result(message_id, (), refused)
        code, reply = _command(connection, partial(connection.docmd, "DATA"))
        if code != 354:
            return self._failed(connection, message_id, "data", code, reply, tuple(accepted), refused)
        try:
            connection.send(payload)
            code, reply = connection.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as lost:
            self._discard()
            return SendResult(message_id, SendStatus.TEMPORARY, refused=tuple(refused),
                              retry_recipients=tuple(accepted), maybe_delivered=True,
                              reason=f"connection lost after the message was handed over: {lost}")
        if code == 421:
            raise _Dropped(_reply_text(reply))
        if code != 250:
            return self._failed(connection, message_id, "data", code, reply, tuple(accepted), refused)
        return _recipients_result(message_id, tuple(accepted), refused)

    def _failed(self, connection: smtplib.SMTP, message_id: str, stage: str, code: int, reply: bytes,
                recipients: tuple[str, ...], refused: Sequence[Refusal] = ()) -> SendResult:
        self._reset(connection)
        temporary = reply_is_temporary(code, stage)
        retry = recipients + tuple(r.address for r in refused if r.temporary) if temporary else ()
        status = SendStatus.TEMPORARY if temporary else SendStatus.PERMANENT
        return SendResult(message_id, status, refused=tuple(refused), retry_recipients=retry, code=code,
                          reason=f"{stage.upper()} refused: {code} {_reply_text(reply)}")

    def _reset(self, connection: smtplib.SMTP) -> None:
        try:
            connection.rset()
        except (smtplib.SMTPException, OSError):
            self._discard()


def _command(connection: smtplib.SMTP, run: Callable[[], tuple[int, bytes]]) -> tuple[int, bytes]:
    """Run one command before DATA's end: a lost connection or a 421 here is safe to retry."""
    try:
        code, reply = run()
    except (smtplib.SMTPServerDisconnected, OSError) as lost:
        raise _Dropped(str(lost) or type(lost).__name__) from lost
    if code == 421:
        raise _Dropped(_reply_text(reply))
    return code, reply


def _recipients_result(message_id: str, accepted: tuple[str, ...], refused: Sequence[Refusal]) -> SendResult:
    retry = tuple(refusal.address for refusal in refused if refusal.temporary)
    if not refused:
        status = SendStatus.SENT
    elif retry:
        status = SendStatus.TEMPORARY
    else:
        status = SendStatus.PERMANENT
    reason = "; ".join(sorted({f"RCPT refused: {r.code} {r.reason}" for r in refused}))
    code = refused[0].code if refused else None
    return SendResult(message_id, status, accepted, tuple(refused), retry, code, reason)


def _connection_error(error: Exception, where: str) -> Exception:
    if isinstance(error, MailError):
        return error
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailSecurityError(f"certificate of {where} could not be verified: {error.verify_message}")
    if isinstance(error, ssl.SSLError):
        return MailSecurityError(f"TLS with {where} failed: {error}")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = f"{error.smtp_code} {_reply_text(error.smtp_error)}"
        if reply_is_temporary(error.smtp_code, "connect"):
            return MailConnectionError(f"server {where} is not accepting mail now ({reply})")
        return MailError(f"server {where} refused the session ({reply})", temporary=False)
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return MailConnectionError(f"cannot reach {where}: {error or type(error).__name__}")
    return error


def _ensure_date_and_id(msg: EmailMessage) -> None:
    if msg["Date"] is None:
        msg["Date"] = _format_date(None)
    if msg["Message-ID"] is None:
        msg["Message-ID"] = make_msgid(domain=_message_id_domain(str(msg["From"] or "")))


def _wire_bytes(msg: EmailMessage, utf8: bool = False) -> bytes:
    """The DATA payload: Bcc removed, every line end CRLF (a bare LF or CR could end DATA early on a
    lenient server: 'SMTP smuggling'), leading dots doubled, the closing dot added. Headers in raw
    UTF-8 only for an SMTPUTF8 transaction; otherwise non-ASCII text goes as RFC 2047 encoded words."""
    if "Bcc" in msg:
        msg = copy.deepcopy(msg)
        del msg["Bcc"]
    raw = msg.as_bytes(policy=WIRE_POLICY.clone(utf8=utf8))
    raw = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", raw) + b".\r\n"


def _log_result(result: SendResult, recipients: Sequence[str]) -> None:
    count = len(recipients)
    if result.ok:
        log.debug("mail %s sent to %d recipient(s)", result.message_id, count)
        return
    log.warning("mail %s %s (%d of %d recipient(s) not delivered, at %s): %s", result.message_id,
                "failed temporarily" if result.temporary else "failed permanently", count - len(result.accepted),
                count, _domains(recipients), result.reason)


def send_batch(settings: SmtpSettings, messages: Iterable[EmailMessage], *,
               limiter: RateLimiter | None = None) -> list[SendResult]:
    """Send every message over one connection; one result per message, in order. A failure of the
    connection (unreachable, TLS, login) marks the message at hand and every later one with it."""
    results: list[SendResult] = []
    pending = list(messages)
    with SmtpTransport(settings, limiter=limiter) as transport:
        for position, msg in enumerate(pending):
            try:
                results.append(transport.send(msg))
            except MailError as error:
                log.error("%d more message(s) left unsent because of that", len(pending) - position - 1)
                status = SendStatus.TEMPORARY if error.temporary else SendStatus.PERMANENT
                for left in pending[position:]:
                    _ensure_date_and_id(left)
                    results.append(SendResult(str(left["Message-ID"]), status,
                                              retry_recipients=envelope_of(left).recipients if error.temporary else (),
                                              reason=str(error)))
                break
    return results
