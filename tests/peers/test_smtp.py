"""The SMTP peer in its variants: STARTTLS on a certificate the test makes, none, SMTPS, AUTH."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import pytest

pytestmark = pytest.mark.peers

USER, PASSWORD = "relay-user", "relay-password"


def mail(subject: str = "Your reminder") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "advocacy@example.com"
    message["To"] = "alice@example.com"
    message["Subject"] = subject
    message.set_content("Three lessons left.")
    return message


def trusting(peer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(peer.ca_file))


def test_a_mail_sent_through_starttls_arrives_over_tls(start_peer):
    relay = start_peer.smtp(starttls=True)
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        client.starttls(context=trusting(relay))
        client.send_message(mail())
    [received] = relay.wait_for(1)
    assert received.tls and received.subject == "Your reminder"
    assert received.rcpt_tos == ("alice@example.com",) and received.mail_from == "advocacy@example.com"
    assert received.message.get_content().strip() == "Three lessons left."


def test_starttls_is_required_before_mail(start_peer):
    relay = start_peer.smtp(starttls=True)
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.send_message(mail())
    assert refused.value.smtp_code == 530
    assert relay.messages == []


def test_the_certificate_is_not_trusted_without_the_test_ca(start_peer):
    relay = start_peer.smtp(starttls=True)
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())


def test_the_clear_text_variant_offers_no_starttls(start_peer):
    relay = start_peer.smtp(starttls=False)
    assert relay.ca_file is None
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("starttls")
        with pytest.raises(smtplib.SMTPNotSupportedError):
            client.starttls()
        client.send_message(mail("In clear"))
    [received] = relay.wait_for(1)
    assert not received.tls


def test_smtps_speaks_tls_from_the_first_byte(start_peer):
    relay = start_peer.smtp(implicit_tls=True)
    assert relay.url.startswith("smtps://") and relay.implicit_tls and not relay.starttls
    with smtplib.SMTP_SSL(relay.host, relay.port, context=trusting(relay), timeout=5) as client:
        client.send_message(mail("Over SMTPS"))
    [received] = relay.wait_for(1)
    assert received.tls and received.subject == "Over SMTPS"


def test_auth_is_offered_only_after_starttls_and_checks_the_password(start_peer):
    relay = start_peer.smtp(starttls=True, auth=(USER, PASSWORD))
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("auth")
        client.starttls(context=trusting(relay))
        client.ehlo()
        assert client.has_extn("auth")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login(USER, "wrong")
        client.login(USER, PASSWORD)
        client.send_message(mail())
    [received] = relay.wait_for(1)
    assert received.authenticated_as == USER
    # smtplib tries each offered mechanism (PLAIN, then LOGIN) with the wrong password, then PLAIN again.
    assert [(a.mechanism, a.succeeded) for a in relay.auth_attempts] == [
        ("PLAIN", False), ("LOGIN", False), ("PLAIN", True)]
    assert all(attempt.tls and attempt.login == USER for attempt in relay.auth_attempts)


def test_mail_without_auth_is_refused_when_auth_is_required(start_peer):
    relay = start_peer.smtp(starttls=True, auth=(USER, PASSWORD))
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        client.starttls(context=trusting(relay))
        with pytest.raises(smtplib.SMTPSenderRefused):
            client.send_message(mail())
    assert relay.messages == []


def test_the_clear_text_variant_records_a_password_sent_in_clear(start_peer):
    """What the app must never do: this server offers AUTH without TLS and notes who used it."""
    relay = start_peer.smtp(starttls=False, auth=(USER, PASSWORD))
    with smtplib.SMTP(relay.host, relay.port, timeout=5) as client:
        client.ehlo()
        assert client.has_extn("auth")
        client.login(USER, PASSWORD)
    assert [(a.login, a.tls) for a in relay.auth_attempts] == [(USER, False)]


def test_stop_closes_the_port(start_peer):
    relay = start_peer.smtp(starttls=False)
    relay.stop()
    with pytest.raises(OSError):
        smtplib.SMTP(relay.host, relay.port, timeout=2)
    assert "smtp.log" in str(relay.log_path)
