"""Small content trees in tmp_path, and helpers to load them and to give people certifications."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from advocacy.core.db import db

GOALS_EN = '''# test goals
[[goal]]
slug = "reach"
name = "Reach new people"
why = "People trust people."
kpi = "Clicks per month"
unit = "clicks"
measure = "clicks"
baseline = 0
baseline_date = 2026-01-01
target = 1000

[[goal]]
slug = "talent"
name = "Attract talent"
why = "Vacancies shared by colleagues work."
kpi = "Applications per quarter"
unit = "applications"
baseline = 10
baseline_date = 2026-01-01
target = 40
'''

GOALS_NL = '''[[goal]]
slug = "reach"
name = "Nieuwe mensen bereiken"
why = "Mensen vertrouwen mensen."
kpi = "Kliks per maand"
unit = "kliks"
'''

COURSE = '''+++
slug = "{slug}"
title = "{title}"
tier = "{tier}"
summary = "What {slug} covers."
order = {order}
minutes = 10
goals = ["reach"]
unlocks = "{unlocks}"
{quiz}+++
Introduction to {slug}.
'''

QUIZ_TABLE = '''
[quiz]
questions = 2
pass_mark = 50
attempts_before_cooldown = 2
cooldown_hours = 24
valid_months = 12
'''

# A pool of two gradable questions, enough for QUIZ_TABLE's two per attempt.
QUIZ_GIFT = '''$CATEGORY: {slug}

::q1::Who may share our posts? {{=Everyone who passed the quiz#Right. ~Nobody#No, sharing is welcome.}}
####Re-read lesson 1.

::q2::Is honesty about where you work expected? {{T#Wrong: it is.#Right.}}
####Re-read lesson 2.
'''

LESSON = '''+++
title = "{title}"
minutes = {minutes}
goals = [{goals}]
+++
{body}
'''

POLICY = '''+++
version = {version}
title = "{title}"
summary = "The short version."
+++
{body}
'''


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_lesson(root: Path, language: str, folder: str, filename: str, title: str, minutes: int = 5,
                 body: str | None = None, goals=("reach",)) -> Path:
    goal_list = ", ".join(f'"{g}"' for g in goals)
    return write(root, f"{language}/{folder}/{filename}",
                 LESSON.format(title=title, minutes=minutes, goals=goal_list, body=body or f"Text of {title}."))


def write_course(root: Path, language: str, slug: str, tier: str = "basic", order: int = 1, lessons: int = 3,
                 title: str | None = None, folder: str | None = None, quiz: bool = False) -> Path:
    """A course folder; with quiz=True also a [quiz] table and a quiz.gift the quizzes feature accepts."""
    folder = folder or slug
    write(root, f"{language}/{folder}/course.md",
          COURSE.format(slug=slug, title=title or f"Course {slug} ({language})", tier=tier, order=order,
                        unlocks=f"Posts for {slug}", quiz=QUIZ_TABLE if quiz else ""))
    for n in range(1, lessons + 1):
        write_lesson(root, language, folder, f"{n:02d}-lesson-{n}.md", f"{slug} lesson {n} ({language})", minutes=n + 1)
    if quiz:
        write(root, f"{language}/{folder}/quiz.gift", QUIZ_GIFT.format(slug=slug))
    return root / language / folder


def write_policy(root: Path, language: str = "en", version: int = 1, body: str = "Be yourself. Ask when unsure.",
                 title: str = "Social media policy") -> Path:
    return write(root, f"{language}/policy.md", POLICY.format(version=version, title=title, body=body))


def standard_tree(root: Path) -> Path:
    """English basic (3 lessons), advanced (2) and expert (1), goals, policy; Dutch basic with only
    lesson 1 translated, Dutch goals for `reach`."""
    write(root, "en/goals.toml", GOALS_EN)
    write(root, "nl/goals.toml", GOALS_NL)
    write_policy(root)
    write_course(root, "en", "basic", "basic", 1, lessons=3)
    write_course(root, "en", "advanced", "advanced", 2, lessons=2)
    write_course(root, "en", "expert", "expert", 3, lessons=1)
    write(root, "nl/basic/course.md", COURSE.format(slug="basic", title="Basiscursus", tier="basic", order=1,
                                                    unlocks="Berichten om te delen", quiz=""))
    write_lesson(root, "nl", "basic", "01-lesson-1.md", "Basisles 1", minutes=2)
    return root


def sync(app, root: Path):
    """Run `flask content sync ROOT` and return click's result (exit_code, stdout, stderr)."""
    return app.test_cli_runner().invoke(args=["content", "sync", str(root)])


def synced(app, root: Path):
    result = sync(app, root)
    assert result.exit_code == 0, result.output
    db.session.rollback()  # the CLI committed in its own session work; start fresh
    return result


def certify(user, tier: str, passed_at: datetime, months: int = 12, expires_at: datetime | None = None):
    from advocacy.learning.models.quizzes import Certification

    cert = Certification(user_id=user.id, tier=tier, passed_at=passed_at,
                         expires_at=expires_at or passed_at + timedelta(days=30 * months))
    db.session.add(cert)
    db.session.flush()
    return cert


class QueryCounter:
    """Counts the SQL statements sent while it is active (sqlalchemy before_cursor_execute)."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _count(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)

    def __len__(self):
        return len(self.statements)
