"""The learning domain: courses, lessons, quizzes, certifications, the policy and the goals;
the learner's pages and the pages that keep them; `flask content` and `flask quiz`."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from advocacy.core import blobs
from advocacy.core.web import add_nav_item
from advocacy.learning import demo, privacy
from advocacy.learning.banks.cli import quiz_cli
from advocacy.learning.curriculum.cli import content_cli
from advocacy.learning.goals import add_measure, count_certified
from advocacy.learning.pages import goals, policy, tiers  # noqa: F401  (their routes join the courses blueprint)
from advocacy.learning.pages.banks import bp as banks
from advocacy.learning.pages.calendar import bp as calendar
from advocacy.learning.pages.lessons import bp as courses
from advocacy.learning.pages.quizzes import bp as quizzes
from advocacy.learning.services import bank_cli  # noqa: F401  (`flask quiz export` joins the quiz group)
from advocacy.learning.services.banks import uses_upload


def init_app(app: Flask) -> None:
    app.register_blueprint(courses)
    app.register_blueprint(quizzes)
    app.register_blueprint(calendar)
    app.register_blueprint(banks)
    blobs.add_holder(app, uses_upload)
    app.cli.add_command(content_cli)
    app.cli.add_command(quiz_cli)
    add_nav_item(app, 10, "employee", "courses.home", _l("Learn"))
    add_measure(app, "certified", count_certified)
    privacy.init_app(app)
    demo.init_app(app)
