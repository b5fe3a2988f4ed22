"""Serving post images from the database: a full answer (the bytes read from the `blob` table)
against a 304 (the browser has them: If-None-Match with the content's ETag, no bytes read), for
a 2 MB and a 50 kB image, on SQLite and optionally PostgreSQL. In-process (Flask's test client),
so the figures are the app's own cost without a network.

    python -m bench.images [--requests 200] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/DB]

The PostgreSQL database must exist and may be emptied. A script that prints numbers, not a test.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from advocacy import create_app
from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.identity.sessions import bound_id
from advocacy.feed import posts as post_service
from advocacy.learning.models.quizzes import Certification

PNG_HEADER = b"\x89PNG\r\n\x1a\n"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def values(title: str, image: bytes) -> dict:
    return {"title": title, "body": "", "link": "https://www.example.com/", "slug": "", "hashtags": "",
            "min_tier": "basic", "goal_id": None, "department_ids": [], "publish_at": START - timedelta(days=1),
            "expires_at": None, "image_alt": "", "image": (image, "image/png"), "captions": {}}


def measure(url: str, requests: int) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "SQLALCHEMY_DATABASE_URI": url,
                      "MAIL_BACKEND": "memory", "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        author = User(email="m@example.com", name="M", session_token="m" * 32)
        author.set_roles(["marketing"])
        reviewer = User(email="r@example.com", name="R", session_token="r" * 32)
        reviewer.set_roles(["reviewer"])
        reader = User(email="e@example.com", name="E", session_token="e" * 32)
        db.session.add_all([author, reviewer, reader])
        db.session.flush()
        db.session.add(Certification(user_id=reader.id, tier="basic", passed_at=START - timedelta(days=2),
                                     expires_at=START + timedelta(days=300)))
        posts = []
        for title, size in (("large", 2 * 1024 * 1024 - 64), ("small", 50 * 1024)):
            post = post_service.create_post(values(title, PNG_HEADER + bytes(size)), author, START - timedelta(days=2))
            post_service.submit_post(post, author, post.version, START - timedelta(days=2))
            post_service.approve_post(post, reviewer, post.version, "", START - timedelta(days=2))
            posts.append((title, size, f"/feed/{post.id}/image/{post.image_name}", post.image_name.split(".")[0]))
        db.session.commit()
        token = reader.session_token
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = bound_id(token, "Werkzeug/"), True
    kind = url.split(":", 1)[0].split("+")[0]
    for title, size, path, digest in posts:
        for label, headers in (("200", {}), ("304", {"If-None-Match": f'"{digest}"'})):
            assert client.get(path, headers=headers).status_code == int(label)
            began = time.perf_counter()
            for _ in range(requests):
                client.get(path, headers=headers)
            elapsed = time.perf_counter() - began
            print(f"{kind:10} {title:5} image ({size // 1024:>5} kB)  {label}: "
                  f"{requests / elapsed:7.0f} requests/s  {elapsed / requests * 1000:6.2f} ms each")
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL database URL that may be emptied")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("sqlite:///" + str(Path(folder) / "images.sqlite3"), args.requests)
    if args.postgres:
        measure(args.postgres, args.requests)


if __name__ == "__main__":
    main()
