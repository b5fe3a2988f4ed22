"""Load and faults: simulated employees run flows against gunicorn on PostgreSQL; the database is
then reconciled with what the server acknowledged.

    python -m bench.load [--users 200] [--seconds 60] [--flow lessons] [--restart term --restart-at 20]

Each simulated employee logs in through the form and repeats its flow with some thinking time.
A flow reports every action the server acknowledged (a success answer) to the ledger under a kind
and a key; after the run, the rows of each kind in the database must match the distinct keys
acknowledged: nothing acknowledged lost, nothing counted twice.

Restarts (--restart): "hup" (gunicorn replaces its workers, no downtime), "term" (stop, letting
requests in flight finish, and start again) or "kill" (SIGKILL, as a crash). While the server is
down, a simulated person waits and tries the step again, as a person would; those retries are
counted, not errors. A write whose answer was lost to a kill may or may not have been applied:
the reconciliation allows at most one row for each such request, and never fewer rows than
acknowledged actions.

To add a flow: subclass Flow (see LessonsFlow), register it in FLOWS. ShareFlow covers sharing and
clicks (people start certified); QuizAndShareFlow is the whole flow of the issue: policy, quiz
(some fail first), certification, then sharing.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .httpclient import Response, Session
from .liveserver import ROOT, Server, base_env, prepare_database, run_python

RESULTS = ROOT / "bench" / "results"
PG_SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SIM_DOMAIN = "load.example"
DOWN_ERRORS = (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, TimeoutError, OSError)

# People for the simulation, in one process (creating 200 with `flask users create` would take
# minutes). With "certified", each has acknowledged the policy and holds a basic certification,
# through the app's own services, for flows that start at the feed.
CREATE_PEOPLE = """
import sys
from advocacy import create_app
from advocacy.identity.passwords import hash_password
from advocacy.core.db import db
from advocacy.core.directory import create_user, get_or_create_department
count, password, certified = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "certified"
app = create_app()
with app.app_context():
    department = get_or_create_department("Operations")
    password_hash = hash_password(password)
    people = [create_user(f"sim{i:04d}@%s" % "{domain}", f"Sim {i:04d}", ["employee"], department,
                          password_hash=password_hash) for i in range(count)]
    if certified:
        from advocacy.core.clock import utcnow
        from advocacy.learning.models.courses import Course
        from advocacy.learning.policy import current_policy
        from advocacy.learning.services.policy import acknowledge_policy
        from advocacy.learning.services.certificates import record_pass
        from advocacy.learning.services.quizzes import current_version, quiz_for
        course = db.session.scalar(db.select(Course).where(Course.slug == "basic"))
        version, policy, now = current_version(quiz_for(course.id, "en")), current_policy(), utcnow()
        for person in people:
            acknowledge_policy(person.id, policy, now)
            record_pass(person.id, "basic", version, None, now)
    db.session.commit()
""".replace("{domain}", SIM_DOMAIN)


class ServerDown(Exception):
    """No answer: the server is restarting. The step is tried again."""

    def __init__(self, message: str, maybe_applied: bool):
        super().__init__(message)
        self.maybe_applied = maybe_applied


class Unexpected(Exception):
    """An answer no person should get (5xx, or a status the flow did not expect)."""


@dataclass
class Ledger:
    acknowledged: dict = field(default_factory=lambda: defaultdict(set))
    # Writes sent but never answered (the server died mid-request): applied or not, nobody knows.
    unanswered: dict = field(default_factory=lambda: defaultdict(int))
    errors: list = field(default_factory=list)
    retries: int = 0
    steps: int = 0
    latencies: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, kind: str, key) -> None:
        with self.lock:
            self.acknowledged[kind].add(key)

    def unsure(self, kind: str) -> None:
        with self.lock:
            self.unanswered[kind] += 1

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def took(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def latency_summary(self) -> str:
        ordered = sorted(self.latencies)
        if not ordered:
            return "no requests"
        pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000  # noqa: E731
        return f"{len(ordered)} requests, p50 {pick(0.5):.0f} ms, p95 {pick(0.95):.0f} ms, max {ordered[-1] * 1000:.0f} ms"

    def count(self, what: str) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)


class SimUser:
    def __init__(self, number: int, url: str, password: str, ledger: Ledger, seed: int):
        self.email = f"sim{number:04d}@{SIM_DOMAIN}"
        self.password, self.ledger = password, ledger
        self.session = Session(url, timeout=30)
        self.reader = Session(url, timeout=30)  # someone in this person's network, not logged in
        self.random = random.Random(seed)
        self.state: dict = {}

    def call(self, method: str, path: str, form: dict | None = None, expect=(200, 302),
             session: Session | None = None, writes: str | None = None) -> Response:
        """One request. `writes` names the kind of row it may create, for the reconciliation."""
        session = session or self.session
        started = time.monotonic()
        try:
            response = session.request(method, path, form=form)
            self.ledger.took(time.monotonic() - started)
        except DOWN_ERRORS as error:
            session.close()
            maybe_applied = not isinstance(error, ConnectionRefusedError)  # refused: never sent
            if writes and maybe_applied:
                self.ledger.unsure(writes)
            raise ServerDown(str(error), maybe_applied) from error
        if response.status >= 500 or response.status not in expect:
            raise Unexpected(f"{self.email}: {method} {path} answered {response.status}")
        return response

    def log_in(self) -> None:
        token = csrf_of(self.call("GET", "/login"))
        answer = self.call("POST", "/login", {"csrf_token": token, "email": self.email, "password": self.password},
                           expect=(302,))
        if "/login" in (answer.location or ""):
            raise Unexpected(f"{self.email}: login refused")


def csrf_of(response: Response) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
    if not match:
        raise Unexpected(f"no CSRF token in a {response.status} answer")
    return match.group(1)


class Flow:
    """One simulated person's repeated work. `step` does one unit and acknowledges what the
    server confirmed; `counts` gives, per kind, SQL counting the rows of the simulated people.
    `certified`: the simulated people start with the policy acknowledged and a basic certification."""

    name = "flow"
    certified = False

    def step(self, user: SimUser) -> None:
        raise NotImplementedError

    def counts(self) -> dict[str, str]:
        return {}


SIM_USERS = f"(SELECT id FROM \"user\" WHERE email LIKE 'sim%@{SIM_DOMAIN}')"


class LessonsFlow(Flow):
    """Reads the basic course: open a lesson, press "Done, next" (one LessonProgress per lesson)."""

    name = "lessons"

    def step(self, user: SimUser) -> None:
        path = user.state.get("next") or self.first_lesson(user)
        if path is None:
            user.state["next"] = None
            return
        page = user.call("GET", path)
        done = user.call("POST", path + "/done", {"csrf_token": csrf_of(page)}, expect=(302,),
                         writes="lesson_progress")
        user.ledger.ack("lesson_progress", (user.email, path))
        location = done.location or ""
        user.state["next"] = location if re.search(r"^/courses/basic/[\w-]+$", location) else None

    @staticmethod
    def first_lesson(user: SimUser) -> str | None:
        course = user.call("GET", "/courses/basic")
        match = re.search(r'href="(/courses/basic/(?!quiz\b)[\w-]+)"', course.text)
        return match.group(1) if match else None

    def counts(self) -> dict[str, str]:
        return {"lesson_progress": f"SELECT count(*) FROM lesson_progress WHERE user_id IN {SIM_USERS}"}


SIM_LINKS = f"(SELECT id FROM tracked_link WHERE user_id IN {SIM_USERS})"


class ShareFlow(Flow):
    """Certified people share: open the feed, share a post on a network not used yet (its share
    page, then the button: the server records the share and sends the browser on with the
    tracked link), and someone in their network clicks that link once (a visitor of their own)."""

    name = "share"
    certified = True

    def step(self, user: SimUser) -> None:
        feed = user.call("GET", "/feed")
        offered = set(re.findall(r'(?:href|action)="(/feed/\d+/share/(?!other\b)\w+)"', feed.text))
        left = sorted(offered - user.state.setdefault("shared", set()))
        if not left:
            return
        path = user.random.choice(left)
        page = user.call("GET", path)
        sent = user.call("POST", path, {"csrf_token": csrf_of(page)}, expect=(303,), writes="share")
        user.state["shared"].add(path)
        user.ledger.ack("share", (user.email, path))
        code = re.search(r"/r/([\w-]+)", urllib.parse.unquote(sent.location or ""))
        if not code:
            raise Unexpected(f"{user.email}: the share of {path} went to {sent.location}, no tracked link")
        self.click(user, code.group(1))

    @staticmethod
    def click(user: SimUser, code: str) -> None:
        # Each click comes from another phone: a visitor of its own, counted once.
        user.reader.headers["User-Agent"] = (
            f"Mozilla/5.0 (Linux; Android 14; Reader {code}) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")
        user.call("GET", f"/r/{code}", expect=(302,), session=user.reader, writes="click")
        user.ledger.ack("click", code)

    def counts(self) -> dict[str, str]:
        return {"share": f"SELECT count(*) FROM share WHERE link_id IN {SIM_LINKS}",
                "click": f"SELECT count(*) FROM click WHERE link_id IN {SIM_LINKS}"}


class QuizAndShareFlow(ShareFlow):
    """The whole flow of issue 8, point 5, for people who start uncertified: acknowledge the
    policy, read the basic course's lessons (the quiz opens only then), take the basic quiz (about a third fail their first attempt on purpose, by handing in
    an empty form; the second attempt passes), then share as ShareFlow does. Passing needs the
    answer key: the load client reads the attempt's draw from the database, as a test may (the app
    never sends it). Acknowledged: every attempt handed in, each person's certification, shares, clicks."""

    name = "quiz-and-share"
    certified = False
    database_url = ""

    def step(self, user: SimUser) -> None:
        if not user.state.get("policy"):
            page = user.call("GET", "/policy")
            version = re.search(r'name="version" value="(\d+)"', page.text)
            if version:
                user.call("POST", "/policy/acknowledge", {"csrf_token": csrf_of(page), "version": version.group(1)},
                          expect=(302,))
            user.state["policy"] = True
        elif not user.state.get("read"):
            self.read_next_lesson(user)  # learning order: the quiz opens once every lesson is read
        elif not user.state.get("certified"):
            self.take_quiz(user)
        else:
            super().step(user)

    @staticmethod
    def read_next_lesson(user: SimUser) -> None:
        """One lesson of the basic course read ("Done, next"); after the last, the quiz is open."""
        path = user.state.get("next_lesson") or LessonsFlow.first_lesson(user)
        if path is None:
            user.state["read"] = True
            return
        page = user.call("GET", path)
        done = user.call("POST", path + "/done", {"csrf_token": csrf_of(page)}, expect=(302,))
        location = done.location or ""
        following = location if re.search(r"^/courses/basic/[\w-]+$", location) else None
        user.state["next_lesson"] = following
        user.state["read"] = following is None

    def take_quiz(self, user: SimUser) -> None:
        start = user.call("GET", "/courses/basic/quiz")
        begun = user.call("POST", "/courses/basic/quiz", {"csrf_token": csrf_of(start)}, expect=(303,))
        match = re.search(r"/attempts/(\d+)$", begun.location or "")
        if not match:
            raise Unexpected(f"{user.email}: starting the quiz went to {begun.location}")
        attempt_id = int(match.group(1))
        page = user.call("GET", f"/attempts/{attempt_id}")
        fail_first = not user.state.get("tried") and user.random.random() < 0.35
        form = {"csrf_token": csrf_of(page)}
        if not fail_first:
            form.update(self.key(attempt_id))
        user.call("POST", f"/attempts/{attempt_id}", form, expect=(303,), writes="attempt")
        user.ledger.ack("attempt", attempt_id)
        user.state["tried"] = True
        result = user.call("GET", f"/attempts/{attempt_id}")
        if "You passed" in result.text:
            user.ledger.ack("certification", user.email)
            user.state["certified"] = True
        elif not fail_first:
            raise Unexpected(f"{user.email}: attempt {attempt_id} with the right answers did not pass")

    def key(self, attempt_id: int) -> dict[str, list[str]]:
        from . import quizkey

        items = query_one(self.database_url, "SELECT items FROM attempt WHERE id = %s", attempt_id)
        data = {item["id"]: query_one(self.database_url, "SELECT data FROM quiz_question WHERE id = %s", item["id"])
                for item in quizkey._loaded(items)}
        return quizkey.right_answers(items, data)

    def counts(self) -> dict[str, str]:
        return {**super().counts(),
                "attempt": f"SELECT count(*) FROM attempt WHERE submitted_at IS NOT NULL AND user_id IN {SIM_USERS}",
                "certification": f"SELECT count(*) FROM certification WHERE user_id IN {SIM_USERS}"}


def query_one(database_url: str, sql: str, *params):
    """One value from the load run's database (PostgreSQL or a SQLite file)."""
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.split("///", 1)[1]) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute(sql, params).fetchone()[0]


FLOWS = {flow.name: flow for flow in (LessonsFlow, ShareFlow, QuizAndShareFlow)}


def simulate(user: SimUser, flow: Flow, deadline: float, think: tuple[float, float]) -> None:
    logged_in = False
    time.sleep(user.random.uniform(0, think[1]))  # people arrive over time, not all at once
    while time.monotonic() < deadline:
        try:
            if not logged_in:
                user.log_in()
                logged_in = True
            flow.step(user)
            user.ledger.count("steps")
        except ServerDown:
            user.ledger.count("retries")
            time.sleep(0.5)
            continue
        except Unexpected as error:
            user.ledger.error(str(error))
            time.sleep(1)
            continue
        time.sleep(user.random.uniform(*think))


def restart(server: Server, mode: str) -> float:
    started = time.monotonic()
    if mode == "hup":
        server.reload()
    elif mode == "term":
        server.restart(wait=90)  # under load, /healthz waits its turn behind the queued requests
    elif mode == "kill":
        server.kill()
        server.start(wait=90)
    return time.monotonic() - started


def count_rows(database_url: str, queries: dict[str, str]) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {kind: conn.execute(text(sql)).scalar_one() for kind, sql in queries.items()}
    finally:
        engine.dispose()


def reconcile(ledger: Ledger, rows: dict[str, int]) -> list[str]:
    """Every acknowledged action is in the database, and nothing more, except what may have been
    applied by a request whose answer a crash swallowed (at most one row each)."""
    problems = []
    for kind, count in rows.items():
        acknowledged = len(ledger.acknowledged.get(kind, ()))
        unanswered = ledger.unanswered.get(kind, 0)
        if not acknowledged <= count <= acknowledged + unanswered:
            problems.append(f"{kind}: {acknowledged} acknowledged"
                            + (f" (+{unanswered} unanswered)" if unanswered else "") + f", {count} in the database")
    return problems


def scratch_database(args) -> tuple[str, callable]:
    if args.sqlite:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"load-{os.getpid()}.sqlite3"
        return "sqlite:///" + str(path), lambda: path.unlink(missing_ok=True)
    import psycopg

    server = PG_SERVER_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"advocacy_load_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_SERVER_URL.rsplit("/", 1)[0] + "/" + name, drop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--flow", choices=sorted(FLOWS), default="quiz-and-share")
    parser.add_argument("--restart", choices=["none", "hup", "term", "kill"], default="none")
    parser.add_argument("--restart-at", type=float, default=20.0, help="seconds into the run")
    parser.add_argument("--workers", type=int, default=4)
    # A person reads a lesson or a post between two clicks: seconds, not milliseconds.
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)
    flow = FLOWS[args.flow]()
    database_url, clean_up = scratch_database(args)
    flow.database_url = database_url
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        prepared = prepare_database(base_env(database_url))
        run_python(prepared.env, CREATE_PEOPLE, str(args.users), prepared.password,
                   "certified" if flow.certified else "new")
        server = Server(prepared.env, workers=args.workers, log_path=RESULTS / f"load-{stamp}.log").start()
        ledger = Ledger()
        deadline = time.monotonic() + args.seconds
        users = [SimUser(i, server.url, prepared.password, ledger, seed=i) for i in range(args.users)]
        threads = [threading.Thread(target=simulate, args=(user, flow, deadline, tuple(args.think)), daemon=True)
                   for user in users]
        print(f"{args.users} simulated employees, flow {flow.name}, {args.seconds} s, restart {args.restart}",
              flush=True)
        for thread in threads:
            thread.start()
        downtime = None
        if args.restart != "none":
            time.sleep(args.restart_at)
            downtime = restart(server, args.restart)
            print(f"restarted ({args.restart}) in {downtime:.1f} s", flush=True)
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 60))
        stuck = sum(thread.is_alive() for thread in threads)
        rows = count_rows(database_url, flow.counts())
    finally:
        if server:
            server.stop()
        clean_up()
    problems = reconcile(ledger, rows) + ledger.errors[:20]
    if stuck:
        problems.append(f"{stuck} simulated people never finished")
    print(f"steps {ledger.steps}, retries while down {ledger.retries}, errors {len(ledger.errors)}; "
          f"{ledger.latency_summary()}")
    for kind, count in rows.items():
        unanswered = ledger.unanswered.get(kind, 0)
        print(f"  {kind}: {len(ledger.acknowledged.get(kind, ()))} acknowledged, {count} in the database"
              + (f" ({unanswered} requests unanswered when the server died)" if unanswered else ""))
    if flow.counts() == {}:
        problems.append(f"flow {flow.name} counts nothing yet: nothing was reconciled")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
