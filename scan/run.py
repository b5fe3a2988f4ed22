"""`make scan`: wapiti3 attacks a local server, logged in as an employee and as marketing.

wapiti lives in its own virtual environment (.venv-scan, made by `make scan`): its pinned
dependencies never mix with the app's. The script prepares a database with the demo data,
starts gunicorn on 127.0.0.1, logs in through the real form and hands wapiti the session cookie.
The log-out and language forms are left alone, so the session lasts the scan.

Every finding is printed. The run fails on any finding of medium severity or more, and on any
injection or open-redirect finding whatever level wapiti gives it (wapiti rates an open redirect
"low"); header and cookie-flag notes of low severity are printed only (over plain http on
127.0.0.1, "Secure" and HSTS cannot apply; production sets them, see COOKIE_SECURE).

    python -m scan.run [--roles employee,marketing] [--minutes 5] [--attack-seconds 60]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.httpclient import Session
from bench.liveserver import ROOT, Server, base_env, demo_email, prepare_database, run_python
from bench.targets import WORLD_SETUP

WAPITI = ROOT / ".venv-scan" / "bin" / "wapiti"
RESULTS = ROOT / "scan" / "results"
# Time-based blind SQL (timesql) and OS command injection (exec) are left out to keep the scan
# within ten minutes: every query goes through SQLAlchemy's bound parameters, and the app starts
# no processes. Modules that need wapiti's own internet endpoint (ssrf, xxe, log4shell) cannot work
# here and are not loaded.
MODULES = ["xss", "permanentxss", "sql", "redirect", "csrf", "crlf", "file", "http_headers",
           "cookieflags", "csp", "methods", "upload"]
FAIL_LEVEL = 2  # wapiti: 0 info, 1 low, 2 medium, 3 high, 4 critical
ALWAYS_FAIL = ("Cross Site Scripting", "SQL Injection", "Blind SQL Injection", "Open Redirect",
               "CRLF Injection", "Command execution", "Path Traversal", "Stored")
# Forms that would end the scan's own session or only switch the language.
EXCLUDED_PATHS = ["/logout", "/language"]
# wapiti writes callback addresses into some payloads; they point nowhere off this machine.
LOCAL_ENDPOINT = "http://127.0.0.1:9/"


def wapiti_command(server: Server, cookie: str, start: list[str], report: Path, session_dir: Path,
                   args) -> list[str]:
    command = [str(WAPITI), "-u", server.url + "/", "--scope", "folder", "-m", ",".join(MODULES),
               "-C", cookie, "--max-scan-time", str(int(args.minutes * 60)), "--max-attack-time",
               str(args.attack_seconds), "--max-links-per-page", "40", "-d", "5", "--tasks", "4",
               "--endpoint", LOCAL_ENDPOINT, "--dns-endpoint", "127.0.0.1", "--no-bugreport",
               "--flush-session", "--store-session", str(session_dir), "--store-config", str(session_dir),
               "-f", "json", "-o", str(report), "-v", "1", "-t", "20"]
    for path in EXCLUDED_PATHS:
        command += ["-x", server.url + path]
    for path in start:
        command += ["-s", server.url + path]
    return command


def findings(report: Path) -> list[dict]:
    data = json.loads(report.read_text())
    found = []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (data.get(kind) or {}).items():
            for item in items:
                found.append({"category": category, "level": item.get("level", 0), "method": item.get("method"),
                              "path": item.get("path"), "parameter": item.get("parameter"),
                              "info": item.get("info"), "module": item.get("module")})
    return found


def is_failure(finding: dict) -> bool:
    return finding["level"] >= FAIL_LEVEL or finding["category"].startswith(ALWAYS_FAIL)


def scan_as(role: str, server: Server, password: str, workdir: Path, args) -> list[dict]:
    session = Session(server.url)
    if session.login(demo_email(role), password).status != 302:
        raise RuntimeError(f"could not log in as {role}")
    home = session.get("/")
    start = ["/", home.location or "/"]
    report = workdir / f"wapiti-{role}.json"
    command = wapiti_command(server, session.cookie_header(), start, report, workdir / f"session-{role}", args)
    print(f"== wapiti as {role} (at most {args.minutes} min crawling, {args.attack_seconds} s per module)",
          flush=True)
    started = time.monotonic()
    with open(workdir / f"wapiti-{role}.log", "w") as log:
        subprocess.run(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, check=False,
                       timeout=int(args.minutes * 60) + len(MODULES) * args.attack_seconds + 300)
    print(f"   done in {time.monotonic() - started:.0f} s; log {workdir / f'wapiti-{role}.log'}", flush=True)
    if not report.exists():
        raise RuntimeError(f"wapiti wrote no report; see {workdir / f'wapiti-{role}.log'}")
    still_in = session.get("/healthz").status == 200 and session.get(home.location or "/").status == 200
    if not still_in:
        print(f"   warning: the {role} session ended during the scan; later pages were seen logged out")
    return [dict(found, role=role) for found in findings(report)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", default="employee,marketing")
    parser.add_argument("--minutes", type=float, default=5, help="crawl-and-attack time per role")
    parser.add_argument("--attack-seconds", type=int, default=60, help="time per attack module")
    args = parser.parse_args(argv)
    if not WAPITI.exists():
        print(f"{WAPITI} is missing: `make scan` installs wapiti3 into .venv-scan", file=sys.stderr)
        return 2
    workdir = RESULTS / datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True)
    prepared = prepare_database(base_env("sqlite:///" + str(workdir / "scan.sqlite3")))
    # As for the bench: the demo employee has acknowledged the policy and is certified, so the
    # feed, the share pages and the tracked links are there to be attacked too.
    run_python(prepared.env, WORLD_SETUP)
    server = Server(prepared.env, workers=2, threads=4, log_path=workdir / "server.log").start()
    try:
        found = [item for role in args.roles.split(",") for item in
                 scan_as(role.strip(), server, prepared.password, workdir, args)]
    finally:
        server.stop()
    return report(found, workdir)


def report(found: list[dict], workdir: Path) -> int:
    failures = [item for item in found if is_failure(item)]
    print(f"\n{len(found)} findings, {len(failures)} that fail the scan (reports in {workdir}):")
    for item in sorted(found, key=lambda item: -item["level"]):
        mark = "FAIL" if is_failure(item) else "note"
        print(f"  {mark} [{item['role']}] level {item['level']} {item['category']}: {item['method']} "
              f"{item['path']} {item['parameter'] or ''} {item['info']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
