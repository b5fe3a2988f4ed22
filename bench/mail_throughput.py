"""Mails per second through advocacy.core.smtp into a local aiosmtpd server: one reused
connection against one connection per mail, in clear text and over STARTTLS, with one and two
sending processes. Prints figures; asserts nothing.

    python -m bench.mail_throughput [--messages 2000] [--workers 1 2] [--repeat 3] [--no-tls]

Each mail is built as a reminder would be (text plus HTML alternative, List-Unsubscribe), so the
figure includes building the message, not only the SMTP dialogue. The server runs in this process
(a thread); the senders are separate processes, as queue workers would be. Each figure is the
best of --repeat runs (the machine is shared: the best run is the one least disturbed), and the
first row, building the messages without sending them, shows how much of the time is SMTP at all.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import socket
import ssl
import tempfile
import time

from aiosmtpd.controller import Controller

from advocacy.core.smtp import SmtpSettings, SmtpTransport, build_message, text_to_html


class CountingHandler:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reminder(n: int):
    text = (f"Hello Person {n},\n\nYour course 'Sharing safely' is due on Friday.\n"
            f"Continue here: https://advocacy.example.com/courses/sharing-safely?u={n}\n\n"
            "You receive this because your organisation enrolled you.")
    return build_message("Advocacy <advocacy@example.com>", f"person{n}@example.org", "Your course is due",
                         text, html=text_to_html(text, lang="en", title="Your course is due"),
                         headers={"List-Unsubscribe": f"<https://advocacy.example.com/unsubscribe/{n}>"})


def send_share(args: tuple[SmtpSettings, int, int]) -> int:
    settings, start, count = args
    sent = 0
    with SmtpTransport(settings) as transport:
        for n in range(start, start + count):
            sent += transport.send(reminder(n)).ok
    return sent


def build_only(messages: int) -> float:
    started = time.perf_counter()
    for n in range(messages):
        reminder(n).as_bytes()
    return time.perf_counter() - started


def run(settings: SmtpSettings, messages: int, workers: int) -> tuple[float, int]:
    share = messages // workers
    jobs = [(settings, k * share, share) for k in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        sent = send_share(jobs[0])
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            sent = sum(pool.map(send_share, jobs))
    return time.perf_counter() - started, sent


def tls_server_context(folder: str) -> tuple[ssl.SSLContext, str] | None:
    try:
        import trustme
    except ImportError:
        return None
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = os.path.join(folder, "ca.pem")
    ca.cert_pem.write_to_path(ca_file)
    return context, ca_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tls", action="store_true")
    options = parser.parse_args()

    handler = CountingHandler()
    with tempfile.TemporaryDirectory() as folder:
        tls = None if options.no_tls else tls_server_context(folder)
        plain = Controller(handler, hostname="127.0.0.1", port=free_port())
        plain.start()
        servers = [("clear text", SmtpSettings("127.0.0.1", plain.port, security="none"))]
        secure = None
        if tls:
            secure = Controller(handler, hostname="127.0.0.1", port=free_port(), tls_context=tls[0])
            secure.start()
            servers.append(("STARTTLS", SmtpSettings("127.0.0.1", secure.port, security="starttls", ca_file=tls[1])))
        print(f"{options.messages} mails, best of {options.repeat}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start")
        print(f"{'server':<11} {'connections':<22} {'workers':>7} {'mails/s':>9} {'ms/mail':>8} {'delivered':>9}")
        seconds = min(build_only(options.messages) for _ in range(options.repeat))
        print(f"{'(none)':<11} {'build only, no SMTP':<22} {1:>7} {options.messages / seconds:>9.0f} "
              f"{1000 * seconds / options.messages:>8.2f} {'-':>9}")
        try:
            for name, base in servers:
                for label, limit in (("one per batch (reused)", None), ("one per mail", 1)):
                    settings = SmtpSettings(**{**base.__dict__, "max_per_connection": limit})
                    for workers in options.workers:
                        before = handler.received
                        runs = [run(settings, options.messages, workers) for _ in range(options.repeat)]
                        delivered = (handler.received - before) // options.repeat
                        seconds, sent = min(runs)
                        print(f"{name:<11} {label:<22} {workers:>7} {sent / seconds:>9.0f} "
                              f"{1000 * seconds / sent:>8.2f} {delivered:>9}")
            print(f"load average {os.getloadavg()[0]:.1f} at the end")
        finally:
            plain.stop()
            if secure:
                secure.stop()


if __name__ == "__main__":
    main()
