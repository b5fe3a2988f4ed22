"""A password-reset request answers in the same time for a known and an unknown address, so the
timing tells nobody which addresses have an account (the issue measured 70-230 ms against 25-45 ms
when the mail was sent inside the request).

Measured over 30 tries each, interleaved (known, unknown, known, ...) so that a burst of load from
the other processes on the machine hits both sides alike; the queue does not run its jobs here, as
in production, where a worker sends the mail later. The medians must be within 5 ms plus 25 % of
the smaller one. Why that tolerance: on a loaded 2-core machine the median of one request here
moves by a few milliseconds from run to run, for both sides at once (interleaving) and by about
the same fraction; a difference in the work done (a token written, a mail rendered and stored)
shows as a fixed gap of its own. The old gap (more than 25 ms on a median of 25-45 ms, a factor
of two or more) is far outside 5 ms + 25 %.

Resending an invitation has no route that takes an address: HR re-invites people by their id
(bulk, people/reinvite.py), where nothing is secret about who exists."""
from __future__ import annotations

import statistics
import time

from advocacy.core.jobs import queue_of

TRIES = 30


def ask(client, email, address):
    return client.post("/reset", data={"email": email}, environ_overrides={"REMOTE_ADDR": address})


def test_a_reset_request_takes_the_same_time_for_a_known_and_an_unknown_address(app, client, db, employee):
    queue = queue_of(app)
    queue.huey.immediate = False  # jobs wait on the queue, as in production
    try:
        for n in range(3):  # warm up
            ask(client, employee.email, f"10.9.{n}.1")
            ask(client, "nobody@example.com", f"10.9.{n}.2")
        known, unknown = [], []
        for i in range(TRIES):
            for side, email, times in ((1, employee.email, known), (2, f"nobody{i}@example.com", unknown)):
                started = time.perf_counter()
                response = ask(client, email, f"10.{side}.{i}.1")  # the limit is 10 an hour per address
                times.append(time.perf_counter() - started)
                assert response.status_code == 302
    finally:
        queue.huey.flush()
        queue.huey.immediate = True
    known_ms, unknown_ms = statistics.median(known) * 1000, statistics.median(unknown) * 1000
    allowed = 5 + 0.25 * min(known_ms, unknown_ms)
    print(f"reset request medians: known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms, allowed gap {allowed:.1f} ms")
    assert abs(known_ms - unknown_ms) <= allowed, f"known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms"


def test_the_reset_mail_still_reaches_a_known_address_and_nobody_else(app, client, db, employee, outbox):
    client.post("/reset", data={"email": employee.email.upper()})
    client.post("/reset", data={"email": "nobody@example.com"})
    assert [mail["To"] for mail in outbox] == [employee.email]
    assert "/reset/" in outbox[0].get_body(("plain",)).get_content()
