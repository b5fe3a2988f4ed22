"""The SMTP transport against a real aiosmtpd server on 127.0.0.1, with certificates made here (trustme)."""
from __future__ import annotations

import logging
import re
import socket
import ssl
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from advocacy.core.smtp import (
    MailAuthError,
    MailConnectionError,
    MailSecurityError,
    RateLimiter,
    SendStatus,
    SmtpSettings,
    SmtpTransport,
    build_message,
    redact_addresses,
    reply_is_temporary,
    send_batch,
    text_to_html,
)

SENDER = "Advocacy <advocacy@example.com>"


# --- A real server that remembers what it saw ---------------------------------------------------

class Recorder:
    """aiosmtpd handler: keeps each message, the connections that carried mail, the AUTH commands."""

    def __init__(self, rcpt_replies=None, mail_replies=None, drop_after_accepting=None, abort_in_data_at=None):
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[list[str]] = []
        self.connections: list[SMTP] = []
        self.auth_commands: list[bool] = []  # was TLS active when AUTH came?
        self.logins: list[tuple[bytes, bytes]] = []
        self.rcpt_replies = rcpt_replies or {}
        self.mail_replies = list(mail_replies or [])  # replies to hand out to the next MAIL commands
        self.drop_after_accepting = drop_after_accepting  # close the connection after the Nth message
        self.abort_in_data_at = abort_in_data_at  # keep the Nth message, then die before answering

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if server not in self.connections:
            self.connections.append(server)
        if self.mail_replies and (reply := self.mail_replies.pop(0)):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content)
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        self.envelopes.append(list(envelope.rcpt_tos))
        if self.abort_in_data_at == len(self.messages):
            server.transport.abort()  # the client never hears the 250
        elif self.drop_after_accepting == len(self.messages):
            server.loop.call_soon(server.transport.close)  # after the 250 goes out
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        # handled=False: aiosmtpd answers the failure itself (535) instead of leaving it to us.
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"mailer", b"s3cret-pass"),
                          handled=False)

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


class RecordingSMTP(SMTP):
    refuse_starttls = False

    async def smtp_AUTH(self, arg):
        self.event_handler.auth_commands.append(self._tls_protocol is not None)
        await super().smtp_AUTH(arg)

    async def smtp_STARTTLS(self, arg):
        if self.refuse_starttls:
            await self.push("454 4.7.0 TLS not available due to temporary reason")
            return
        await super().smtp_STARTTLS(arg)


class RecordingController(Controller):
    def __init__(self, *args, refuse_starttls=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.refuse_starttls = refuse_starttls

    def factory(self):
        server = RecordingSMTP(self.handler, **self.SMTP_kwargs)
        server.refuse_starttls = self.refuse_starttls
        return server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a certificate from it for 127.0.0.1 and localhost, and one for another name."""
    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("pki")
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def server_context(*names):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*names).configure_cert(context)
        return context

    return {"ca_file": str(ca_file), "context": server_context("127.0.0.1", "localhost"),
            "wrong_name_context": server_context("mail.example.org")}


@pytest.fixture
def serve():
    """serve(handler, **aiosmtpd options) -> the port of a server running until the test ends."""
    controllers = []

    def start(handler, refuse_starttls=False, **options):
        options.setdefault("authenticator", handler.authenticate)
        controller = RecordingController(handler, hostname="127.0.0.1", port=free_port(),
                                         refuse_starttls=refuse_starttls, **options)
        controller.start()
        controllers.append(controller)
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


def settings(port, **overrides) -> SmtpSettings:
    values = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 10}
    return SmtpSettings(**{**values, **overrides})


def mail(to="ada@example.org", subject="Your course is due", n=0, **kwargs) -> EmailMessage:
    return build_message(SENDER, to, f"{subject} {n}", f"Hello, message {n}.\nhttps://advocacy.example.com/c/{n}",
                         **kwargs)


# --- TLS -----------------------------------------------------------------------------------------

def test_starttls_verified_against_the_tests_ca_delivers_a_complete_message(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"], require_starttls=True)
    text = "Hello Ada,\n\nYour course is due: https://advocacy.example.com/c/1"
    msg = build_message(SENDER, "ada@example.org", "Your course is due", text,
                        html=text_to_html(text, lang="en", title="Your course is due"))

    [result] = send_batch(settings(port, security="starttls", ca_file=pki["ca_file"]), [msg])

    assert result.status is SendStatus.SENT and result.accepted == ("ada@example.org",)
    [received] = recorder.messages
    assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000", str(received["Date"]))
    assert re.fullmatch(r"<[^@\s]+@example\.com>", str(received["Message-ID"]))
    assert str(received["Message-ID"]) == result.message_id
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == text
    assert 'href="https://advocacy.example.com/c/1"' in received.get_body(("html",)).get_content()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_certificate_from_an_untrusted_ca_fails_and_nothing_is_delivered(serve, pki, security, caplog):
    recorder = Recorder()
    port = serve(recorder, **({"tls_context": pki["context"]} if security == "starttls"
                              else {"ssl_context": pki["context"]}))

    transport = SmtpTransport(settings(port, security=security))  # trusts the system store only
    unverified = "certificate of 127.0.0.1:.* could not be verified"
    with transport, pytest.raises(MailSecurityError, match=unverified) as error:
        transport.send(mail())

    assert isinstance(error.value.__cause__, ssl.SSLCertVerificationError)
    assert not error.value.temporary
    assert recorder.messages == [] and recorder.connections == []
    assert "could not be verified" in caplog.text


def test_the_host_name_is_checked_not_only_the_signature(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["wrong_name_context"])

    transport = SmtpTransport(settings(port, security="starttls", ca_file=pki["ca_file"]))
    with transport, pytest.raises(MailSecurityError, match="could not be verified"):
        transport.send(mail())
    assert recorder.messages == []


def test_verify_false_accepts_an_untrusted_certificate_when_set_on_purpose(serve, pki, caplog):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"])

    [result] = send_batch(settings(port, security="starttls", verify=False), [mail()])

    assert result.ok and len(recorder.messages) == 1
    assert "certificate verification is off" in caplog.text


def test_a_server_without_starttls_gets_nothing_not_even_the_login(serve, caplog):
    recorder = Recorder()
    port = serve(recorder, auth_require_tls=False)  # offers AUTH in clear text, and no STARTTLS
    config = settings(port, security="starttls", username="mailer", password="s3cret-pass")

    refusal = r"server 127\.0\.0\.1:\d+ does not offer STARTTLS; refusing to send in clear text"
    with SmtpTransport(config) as transport, pytest.raises(MailSecurityError, match=refusal):
        transport.send(mail())
    results = send_batch(config, [mail(n=1), mail(n=2)])

    assert [r.status for r in results] == [SendStatus.PERMANENT, SendStatus.PERMANENT]
    assert all("does not offer STARTTLS" in r.reason for r in results)
    assert recorder.auth_commands == [] and recorder.logins == []
    assert recorder.connections == [] and recorder.messages == []
    assert "refusing to send in clear text" in caplog.text


def test_a_server_that_offers_starttls_then_refuses_it_gets_nothing(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"], refuse_starttls=True, auth_require_tls=False)

    [result] = send_batch(settings(port, security="starttls", ca_file=pki["ca_file"], username="mailer",
                                   password="s3cret-pass"), [mail()])

    assert result.status is SendStatus.PERMANENT and "refused STARTTLS (454" in result.reason
    assert recorder.auth_commands == [] and recorder.messages == []


def test_smtps_on_implicit_tls(serve, pki):
    recorder = Recorder()
    port = serve(recorder, ssl_context=pki["context"])

    results = send_batch(settings(port, security="ssl", ca_file=pki["ca_file"]), [mail(n=1), mail(n=2)])

    assert [r.status for r in results] == [SendStatus.SENT, SendStatus.SENT]
    assert recorder.message_ids() == [r.message_id for r in results]


def test_login_over_starttls_and_never_before_it(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"], require_starttls=True, auth_required=True)

    [result] = send_batch(settings(port, security="starttls", ca_file=pki["ca_file"], username="mailer",
                                   password="s3cret-pass"), [mail()])

    assert result.ok and len(recorder.messages) == 1
    assert recorder.logins == [(b"mailer", b"s3cret-pass")]
    assert recorder.auth_commands == [True]  # the only AUTH came after the TLS handshake


def test_a_wrong_password_is_a_permanent_auth_error(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"], auth_required=True)

    transport = SmtpTransport(settings(port, security="starttls", ca_file=pki["ca_file"], username="mailer",
                                       password="wrong"))
    with transport, pytest.raises(MailAuthError, match="refused the login \\(535") as error:
        transport.send(mail())
    assert not error.value.temporary and recorder.messages == []


# --- One connection, reconnects ------------------------------------------------------------------

def test_fifty_messages_share_one_connection(serve, pki):
    recorder = Recorder()
    port = serve(recorder, tls_context=pki["context"])

    with SmtpTransport(settings(port, security="starttls", ca_file=pki["ca_file"])) as transport:
        results = [transport.send(mail(n=n)) for n in range(50)]

    assert all(r.ok for r in results)
    assert len(recorder.connections) == 1 and transport.connections_opened == 1
    assert recorder.message_ids() == [r.message_id for r in results]


def test_a_new_connection_after_max_per_connection(serve):
    recorder = Recorder()
    port = serve(recorder)

    results = send_batch(settings(port, max_per_connection=20), [mail(n=n) for n in range(50)])

    assert all(r.ok for r in results)
    assert len(recorder.connections) == 3
    assert [len([m for m in recorder.messages if recorder.messages.index(m) // 20 == k]) for k in range(3)] == \
        [20, 20, 10]
    assert sorted(recorder.message_ids()) == sorted(r.message_id for r in results)


@pytest.mark.parametrize("how", ["closed after a message", "421 to MAIL"])
def test_a_dropped_connection_is_reopened_and_the_rest_arrive_once(serve, how):
    recorder = (Recorder(drop_after_accepting=7) if how == "closed after a message"
                else Recorder(mail_replies=[None] * 7 + ["421 4.7.0 Too many messages, closing"]))
    port = serve(recorder)

    results = send_batch(settings(port), [mail(n=n) for n in range(20)])

    assert all(r.ok for r in results)
    assert recorder.message_ids() == [r.message_id for r in results]  # each once, in order
    assert len(recorder.connections) == 2


def test_a_connection_lost_twice_is_a_temporary_failure_and_the_batch_goes_on(serve):
    closing = "421 4.7.0 Closing"
    recorder = Recorder(mail_replies=[None, closing, closing])
    port = serve(recorder)

    first, lost, after = send_batch(settings(port), [mail(n=n) for n in range(3)])

    assert first.ok and after.ok
    assert lost.status is SendStatus.TEMPORARY and "connection lost twice" in lost.reason
    assert lost.retry_recipients == ("ada@example.org",) and not lost.maybe_delivered
    assert recorder.message_ids() == [first.message_id, after.message_id]
    assert len(recorder.connections) == 3


def test_a_refused_sender_is_temporary_or_permanent_by_its_code_and_the_next_mail_goes(serve):
    recorder = Recorder(mail_replies=[None, "451 4.3.0 Try again later", "553 5.7.1 Sender not allowed"])
    port = serve(recorder)

    ok, later, never, after = send_batch(settings(port), [mail(n=n) for n in range(4)])

    assert ok.ok and after.ok
    assert later.status is SendStatus.TEMPORARY and later.code == 451 and "MAIL refused: 451" in later.reason
    assert later.retry_recipients == ("ada@example.org",)
    assert never.status is SendStatus.PERMANENT and never.code == 553 and never.retry_recipients == ()
    assert recorder.message_ids() == [ok.message_id, after.message_id]
    assert len(recorder.connections) == 1


def test_a_connection_lost_after_data_is_not_resent(serve):
    recorder = Recorder(abort_in_data_at=3)
    port = serve(recorder)

    results = send_batch(settings(port), [mail(n=n) for n in range(5)])

    lost = results[2]
    assert lost.status is SendStatus.TEMPORARY and lost.maybe_delivered
    assert lost.retry_recipients == ("ada@example.org",)
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert recorder.message_ids() == [r.message_id for r in results]  # the third once, as the server kept it


def test_an_unreachable_server_marks_the_whole_batch_temporary():
    port = free_port()  # nobody listens

    results = send_batch(settings(port), [mail(n=1), mail(to="bob@example.net", n=2)])

    assert [r.status for r in results] == [SendStatus.TEMPORARY, SendStatus.TEMPORARY]
    assert [r.retry_recipients for r in results] == [("ada@example.org",), ("bob@example.net",)]
    assert all(r.message_id.endswith("@example.com>") for r in results)
    with pytest.raises(MailConnectionError, match="cannot reach 127.0.0.1"):
        SmtpTransport(settings(port)).send(mail())


# --- Rate limit ----------------------------------------------------------------------------------

class FakeClock:
    def __init__(self, step=0.0):
        self.now, self.step, self.sleeps = 0.0, step, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def tick(self) -> None:
        self.now += self.step


@pytest.mark.parametrize("per_minute, sends, step, expected_sleeps", [
    (None, 100, 0.0, []),
    (30, 30, 0.0, []),
    (30, 31, 0.0, [60.0]),  # the 31st waits until the first is a minute old
    (30, 61, 0.0, [60.0, 60.0]),
    (30, 31, 1.0, [30.0]),  # 30 sends took 30 s: 30 s more to wait
    (30, 31, 2.0, []),  # already spaced at the limit's pace
    (1, 3, 0.0, [60.0, 60.0]),
])
def test_rate_limiter_never_lets_more_than_the_limit_into_any_minute(per_minute, sends, step, expected_sleeps):
    clock = FakeClock(step)
    limiter = RateLimiter(per_minute, clock, clock.sleep)
    stamps = []
    for _ in range(sends):
        limiter.wait()
        stamps.append(clock.now)
        clock.tick()

    assert clock.sleeps == pytest.approx(expected_sleeps)
    if per_minute:
        assert all(later - stamps[i] >= 60 for i, later in enumerate(stamps[per_minute:]))


def test_thirty_one_messages_at_thirty_a_minute_wait_one_minute(serve):
    recorder = Recorder()
    port = serve(recorder)
    clock = FakeClock()

    with SmtpTransport(settings(port, rate_per_minute=30), clock=clock, sleep=clock.sleep) as transport:
        results = [transport.send(mail(n=n)) for n in range(31)]

    assert all(r.ok for r in results) and len(recorder.messages) == 31
    assert clock.sleeps == [60.0]


# --- Per-recipient results and logs ------------------------------------------------------------

def test_refusals_are_per_recipient_temporary_or_permanent(serve, caplog):
    recorder = Recorder(rcpt_replies={"busy@example.org": "450 4.2.1 <busy@example.org>: mailbox busy",
                                      "gone@example.org": "550 5.1.1 <gone@example.org>: user unknown"})
    port = serve(recorder)
    caplog.set_level(logging.INFO, logger="advocacy.mail")
    messages = [mail(to="ada@example.org"), mail(to="busy@example.org"), mail(to="gone@example.org"),
                mail(to=["ada@example.org", "busy@example.org"]), mail(to="bob@example.org")]

    ok, busy, gone, mixed, after = send_batch(settings(port), messages)

    assert ok.ok and after.ok
    assert busy.status is SendStatus.TEMPORARY and busy.retry_recipients == ("busy@example.org",)
    assert busy.code == 450
    assert gone.status is SendStatus.PERMANENT and gone.retry_recipients == () and gone.code == 550
    assert mixed.status is SendStatus.TEMPORARY
    assert mixed.accepted == ("ada@example.org",) and mixed.retry_recipients == ("busy@example.org",)
    assert recorder.envelopes == [["ada@example.org"], ["ada@example.org"], ["bob@example.org"]]
    ours = [r for r in caplog.records if r.name == "advocacy.mail"]  # not the test server's own log
    failures = [r for r in ours if r.levelno >= logging.WARNING]
    assert [busy.message_id in r.getMessage() for r in failures] == [True, False, False]
    assert "550 5.1.1 <…@example.org>: user unknown" in failures[1].getMessage()
    logged = "\n".join(r.getMessage() for r in ours)
    assert "busy@" not in logged and "gone@" not in logged and "ada@" not in logged


def test_a_retry_to_the_refused_recipients_only(serve):
    recorder = Recorder(rcpt_replies={"busy@example.org": "451 4.3.0 try later"})
    port = serve(recorder)
    msg = mail(to=["ada@example.org", "busy@example.org"])

    with SmtpTransport(settings(port)) as transport:
        first = transport.send(msg)
        recorder.rcpt_replies.clear()
        second = transport.send(msg, recipients=first.retry_recipients)

    assert second.ok and recorder.envelopes == [["ada@example.org"], ["busy@example.org"]]
    assert recorder.message_ids() == [first.message_id, first.message_id]


@pytest.mark.parametrize("code, stage, temporary", [
    (450, "rcpt", True), (451, "mail", True), (452, "rcpt", True), (421, "data", True),
    (550, "rcpt", False), (553, "mail", False), (554, "data", False),
    (552, "rcpt", True),  # RFC 5321 4.5.3.1.10: too many recipients
    (552, "data", False),  # message too big
    (-1, "data", True),  # an unreadable reply
])
def test_reply_is_temporary(code, stage, temporary):
    assert reply_is_temporary(code, stage) is temporary


@pytest.mark.parametrize("text, expected", [
    ("550 5.1.1 <bob@example.com>: Recipient address rejected",
     "550 5.1.1 <…@example.com>: Recipient address rejected"),
    ("user first.last+tag@sub.example.org unknown", "user …@sub.example.org unknown"),
    ("452 too many recipients", "452 too many recipients"),
])
def test_redact_addresses(text, expected):
    assert redact_addresses(text) == expected


# --- The message ---------------------------------------------------------------------------------

def test_what_the_server_receives_is_byte_for_byte_the_text(serve):
    recorder = Recorder()
    port = serve(recorder)
    text = "first\n.\nMAIL FROM:<evil@example.net>\r\n.\r\n.leading dot\nlast"
    msg = build_message(SENDER, "ada@example.org", "Dots", text)
    msg["Bcc"] = "hidden@example.org"
    unsubscribe = "<https://advocacy.example.com/unsubscribe/" + "t" * 150 + ">"
    listed = build_message(SENDER, "ada@example.org", "Long header", "x", headers={
        "List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})

    results = send_batch(settings(port), [msg, listed])

    assert all(r.ok for r in results) and len(recorder.messages) == 2
    assert recorder.messages[0].get_content().replace("\r\n", "\n") == text.replace("\r\n", "\n") + "\n"
    assert recorder.messages[0]["Bcc"] is None
    assert recorder.envelopes[0] == ["ada@example.org", "hidden@example.org"]
    assert str(recorder.messages[1]["List-Unsubscribe"]) == unsubscribe  # not mangled into encoded words


def test_non_ascii_text_goes_as_encoded_words_and_ascii_bytes(serve):
    recorder = Recorder()
    port = serve(recorder)
    subject = "Rond je cursus af vóór vrijdag"
    msg = build_message("Afdeling Communicatie <advocacy@example.com>", "José Müller <jose@example.org>",
                        subject, "Beste José,\n\nHet is bijna zover: één cursus staat open.")

    [result] = send_batch(settings(port), [msg])

    assert result.ok
    assert recorder.raw[0].isascii()  # no SMTPUTF8 needed for non-ASCII names and text
    [received] = recorder.messages
    assert str(received["Subject"]) == subject
    assert received["To"].addresses[0].display_name == "José Müller"
    assert "één cursus" in received.get_content()


def test_a_non_ascii_address_goes_over_smtputf8(serve):
    recorder = Recorder()
    port = serve(recorder)

    [result] = send_batch(settings(port), [mail(to="josé@example.org")])

    assert result.ok and recorder.envelopes == [["josé@example.org"]]
    assert str(recorder.messages[0]["To"]) == "josé@example.org"


def test_build_message_text_only_and_with_a_given_date():
    date = datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    msg = build_message(SENDER, ["Ada Lovelace <ada@example.org>", "bob@example.org"], "Weekly digest", "Hi",
                        date=date, message_id_domain="mail.example.net")

    assert msg.get_content_type() == "text/plain"
    assert str(msg["Date"]) == "Tue, 05 Mar 2024 08:30:00 +0000"
    assert str(msg["Message-ID"]).endswith("@mail.example.net>")
    assert [a.addr_spec for a in msg["To"].addresses] == ["ada@example.org", "bob@example.org"]
    with pytest.raises(ValueError, match="timezone-aware"):
        build_message(SENDER, "ada@example.org", "s", "t", date=datetime(2024, 3, 5))


@pytest.mark.parametrize("changes", [
    {"subject": "Hello\r\nBcc: victim@example.net"},
    {"subject": "Hello\n"},
    {"subject": "Hello\rX-Evil: 1"},
    {"to": "ada@example.org\r\nBcc: victim@example.net"},
    {"to": "ada@example.org, victim@example.net"},  # one string, two recipients
    {"to": []},
    {"to": "not an address"},
    {"sender": "Advocacy <advocacy@example.com>\nBcc: victim@example.net"},
    {"sender": "advocacy"},  # no domain for the Message-ID either
    {"headers": {"List-Unsubscribe": "<https://x.example>\r\nBcc: victim@example.net"}},
    {"headers": {"X-Evil\r\nBcc": "victim@example.net"}},
    {"headers": {"Bad Name": "1"}},
    {"headers": {"X:Colon": "1"}},
    {"headers": {"Bcc": "victim@example.net"}},  # set by build_message, not by extra headers
    {"headers": {"message-id": "<mine@example.net>"}},
    {"message_id_domain": "example.com>\r\nBcc: victim@example.net"},
])
def test_header_injection_and_bad_headers_are_refused(changes):
    arguments = {"sender": SENDER, "to": "ada@example.org", "subject": "Hello", "text": "Hi", **changes}
    with pytest.raises(ValueError):
        build_message(**arguments)


def test_text_to_html_is_minimal_accessible_and_escaped():
    text = ("Hello <Ada> & team,\n\nYour course: https://advocacy.example.com/c?id=1&lang=nl.\n"
            "Second line\n\n\n\"Quote\" <script>alert(1)</script>")

    page = text_to_html(text, lang="nl", title="Cursus & meer")

    assert page.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert "<title>Cursus &amp; meer</title>" in page
    assert "<p>Hello &lt;Ada&gt; &amp; team,</p>" in page
    assert ('<a href="https://advocacy.example.com/c?id=1&amp;lang=nl">'
            "https://advocacy.example.com/c?id=1&amp;lang=nl</a>.<br>\nSecond line</p>") in page
    assert "&lt;script&gt;" in page and "<script" not in page
    assert "<img" not in page and "src=" not in page and "<link" not in page


@pytest.mark.parametrize("changes, message", [
    ({"security": "tls"}, "must be one of"),
    ({"port": 0}, "between 1 and 65535"),
    ({"timeout": 0}, "positive"),
    ({"rate_per_minute": 0}, "rate_per_minute"),
    ({"max_per_connection": 0}, "max_per_connection"),
    ({"security": "none", "username": "mailer"}, "password in clear text"),
    ({"host": ""}, "host is empty"),
])
def test_settings_refuse_what_cannot_work(changes, message):
    with pytest.raises(ValueError, match=message):
        SmtpSettings(**{"host": "mail.example.com", **changes})


def test_the_password_is_not_in_the_settings_repr():
    assert "s3cret" not in repr(SmtpSettings("mail.example.com", username="mailer", password="s3cret"))
