"""Sign-in under a storm of wrong passwords: does the server stay responsive?

    .venv/bin/python -m bench.login_storm [--attackers 20] [--seconds 15] [--method argon2id:19456:2:1]

gunicorn (2 workers x 4 threads, as a small production host) on 127.0.0.1 with the production
password hash, Redis (database 9) as the limiter's storage and PROXY_COUNT=1, so each attacker
the attackers can claim an address in X-Forwarded-For. By default all 20 come from one address
(the anonymous client of issue 14): the per-address count, taken before any hashing, soon refuses
them cheaply. With --spread every guess claims a new address, so that limit never triggers (the
worst case, a spread-out attack); the guesses go to unknown addresses, so no account pauses either,
and every guess reaches the password hash, bounded per worker (PASSWORD_HASH_CONCURRENCY).

Meanwhile one client asks /healthz every 50 ms, and the owner signs in with the right password
(from an address of their own; a 503 "try again" is retried, as the page asks, and counted in the
time): once on the device they signed in on before the storm (its device cookie: a hashing turn is
kept for those) and once on a device never used before. Prints the /healthz median, 95th percentile and maximum before and during the storm, the
owner's sign-in time, and what the attackers got back. Figures, not assertions; the goal
(issue 14): /healthz p50 < 50 ms and the owner signed in within 2 s.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.httpclient import Session
from bench.liveserver import Server, base_env, demo_email, prepare_database

DEVICE_COOKIE = "advocacy_device"  # identity/sessions.py
REDIS_URL = "redis://127.0.0.1:6379/{db}"


def healthz_times(base_url: str, stop: threading.Event, into: list[float]) -> None:
    """A new connection for every probe, as a load balancer's health check makes: a kept-alive
    connection stays with the worker that accepted it, and the figures would then depend on
    whether that worker is the one the attackers' connections happened to land on."""
    session = Session(base_url, timeout=30)
    while not stop.is_set():
        started = time.perf_counter()
        session.get("/healthz")
        into.append((time.perf_counter() - started) * 1000)
        session.close()
        time.sleep(0.05)


def attacker(base_url: str, stop: threading.Event, statuses: Counter, lock: threading.Lock, spread: bool) -> None:
    session = Session(base_url, timeout=60)
    address = "203.0.113.66"  # one anonymous client, as in issue 14
    token = session.csrf_token("/login")
    while not stop.is_set():
        if spread:  # a new address for every guess: the per-address limit never triggers
            address = f"198.51.{random.randrange(256)}.{random.randrange(1, 255)}"
        guess = {"csrf_token": token, "email": f"x{random.randrange(10**9)}@example.com", "password": "guess123456"}
        status = session.post("/login", guess, headers={"X-Forwarded-For": address}).status
        with lock:
            statuses[status] += 1


def owner_login(base_url: str, password: str, device: str | None = None) -> tuple[float, int, str | None]:
    """Seconds from opening the login page to being signed in, how many 503s were retried, and the
    device cookie the sign-in left. `device`: the device cookie of an earlier sign-in (the owner's
    own phone); without it, a device the owner never signed in on."""
    session = Session(base_url, timeout=60)
    if device:
        session.cookies[DEVICE_COOKIE] = device
    headers = {"X-Forwarded-For": "192.0.2.10"}
    started = time.perf_counter()
    retries = 0
    token = session.csrf_token("/login")
    while True:
        response = session.post("/login", {"csrf_token": token, "email": demo_email("employee"),
                                           "password": password}, headers=headers)
        if response.status == 503:
            retries += 1
            time.sleep(0.2)
            continue
        if response.status != 302:
            raise RuntimeError(f"the owner's sign-in answered {response.status}")
        return time.perf_counter() - started, retries, session.cookies.get(DEVICE_COOKIE)


def figures(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else ordered[-1]
    print(f"{label:<28} n={len(times):>4}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {max(times):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attackers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--method", default="argon2id:19456:2:1", help="PASSWORD_HASH_METHOD")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--wait-ms", default=None, help="PASSWORD_HASH_WAIT_MS (default: the app's own default)")
    parser.add_argument("--concurrency", default=None, help="PASSWORD_HASH_CONCURRENCY (default: the app's)")
    parser.add_argument("--redis-db", type=int, default=9, help="the Redis database this run may empty")
    parser.add_argument("--spread", action="store_true",
                        help="every guess from another address (the worst case) instead of one client")
    args = parser.parse_args()

    import redis

    redis_url = REDIS_URL.format(db=args.redis_db)
    redis.Redis.from_url(redis_url).flushdb()  # this benchmark's own database
    folder = Path(tempfile.mkdtemp(prefix="advocacy-login-storm-"))
    hashing = {name: value for name, value in (("PASSWORD_HASH_WAIT_MS", args.wait_ms),
                                                ("PASSWORD_HASH_CONCURRENCY", args.concurrency)) if value is not None}
    env = base_env("sqlite:///" + str(folder / "bench.sqlite3"), PASSWORD_HASH_METHOD=args.method,
                   RATELIMIT_STORAGE_URI=redis_url, PROXY_COUNT="1", LOG_LEVEL="WARNING", **hashing)
    prepared = prepare_database(env)
    server = Server(env, workers=args.workers, threads=args.threads, log_path=folder / "gunicorn.log").start()
    try:
        print(f"PASSWORD_HASH_METHOD={args.method} {' '.join(f'{k}={v}' for k, v in hashing.items())}; gunicorn {args.workers} workers x {args.threads} threads; "
              f"{args.attackers} attackers for {args.seconds:.0f} s, "
              f"{'each guess from a new address' if args.spread else 'all from one address'}")
        stop = threading.Event()
        quiet: list[float] = []
        probe = threading.Thread(target=healthz_times, args=(server.url, stop, quiet))
        probe.start()
        time.sleep(2)
        stop.set()
        probe.join()
        figures("/healthz, quiet", quiet)
        owner_quiet, _retries, device = owner_login(server.url, prepared.password)
        print(f"{'owner signs in, quiet':<28} {owner_quiet:.2f} s")

        stop = threading.Event()
        statuses: Counter = Counter()
        lock = threading.Lock()
        storm = [threading.Thread(target=attacker, args=(server.url, stop, statuses, lock, args.spread))
                 for _ in range(args.attackers)]
        for thread in storm:
            thread.start()
        time.sleep(1)  # the storm is on
        busy: list[float] = []
        probe = threading.Thread(target=healthz_times, args=(server.url, stop, busy))
        probe.start()
        time.sleep(args.seconds / 3)
        owner_busy, retries, _device = owner_login(server.url, prepared.password, device)
        started = time.perf_counter()
        new_device, new_retries, _device = owner_login(server.url, prepared.password)
        time.sleep(max(0.0, args.seconds * 2 / 3 - (time.perf_counter() - started)))
        stop.set()
        for thread in [*storm, probe]:
            thread.join()
        figures("/healthz, during the storm", busy)
        print(f"{'owner signs in, storm':<28} {owner_busy:.2f} s ({retries} x 503 'try again' retried), "
              "on their own device (its device cookie)")
        print(f"{'owner signs in, storm':<28} {new_device:.2f} s ({new_retries} x 503 'try again' retried), "
              "on a device never used before")
        total = sum(statuses.values())
        print(f"attackers' answers: {dict(sorted(statuses.items()))} = {total / (args.seconds + 1):.0f} guesses/s")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
