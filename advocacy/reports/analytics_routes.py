"""Marketing analytics: the overview, one post in detail, and CSV of every table."""
from flask import abort, render_template, request
from flask_babel import gettext as _

from advocacy.core.charts import bar_chart, progress_chart
from advocacy.core.clock import utcnow
from advocacy.core.csvexport import csv_response
from advocacy.core.db import db
from advocacy.feed.forms import NETWORK_LABELS
from advocacy.feed.models import Post
from advocacy.identity.guards import role_required
from advocacy.reports import analytics
from advocacy.reports.analytics import PERIODS, Period
from advocacy.reports.routes import bp


def network_label(key: str) -> str:
    return str(NETWORK_LABELS.get(key, key))


def period_from_request() -> Period:
    days = request.args.get("days", 30, type=int)
    return Period(days if days in PERIODS else 30, utcnow())


@bp.get("/analytics")
@role_required("marketing")
def analytics_overview():
    period = period_from_request()
    networks, departments = analytics.by_network(period), analytics.by_department(period)
    goals = analytics.goal_progress(period.until)
    for row in goals:
        row["chart"] = progress_chart(row["goal"].baseline, row["value"], row["goal"].target)
    return render_template(
        "reports/analytics.html", period=period, periods=PERIODS, headline=analytics.headline(period),
        networks=networks, departments=departments, posts=analytics.by_post(period), goals=goals,
        network_label=network_label,
        network_chart=bar_chart([(network_label(r["key"]), r["clicks"]) for r in networks]),
        department_chart=bar_chart([(r["department"] or _("No department"), r["sharing_percent"] or 0)
                                    for r in departments], maximum=100, unit="%"))


@bp.get("/analytics/posts/<int:post_id>")
@role_required("marketing")
def analytics_post(post_id):
    post = db.session.get(Post, post_id) or abort(404)
    period = period_from_request()
    networks = analytics.by_network(period, post.id)
    departments = analytics.by_department_for_post(period, post.id)
    return render_template(
        "reports/analytics_post.html", post=post, period=period, periods=PERIODS, networks=networks,
        departments=departments,
        network_label=network_label,
        network_chart=bar_chart([(network_label(r["key"]), r["clicks"]) for r in networks]),
        department_chart=bar_chart([(r["department"] or _("No department"), r["clicks"]) for r in departments]))


@bp.get("/analytics/export/<table>.csv")
@role_required("marketing")
def analytics_export(table):
    period = period_from_request()
    exporters = {"networks": network_csv, "departments": department_csv, "posts": post_csv, "goals": goal_csv}
    if table not in exporters:
        abort(404)
    header, rows = exporters[table](period)
    return csv_response(f"{table}-{period.days}-days-{period.until:%Y-%m-%d}.csv", header, rows)


@bp.get("/analytics/posts/<int:post_id>.csv")
@role_required("marketing")
def analytics_post_csv(post_id):
    post = db.session.get(Post, post_id) or abort(404)
    period = period_from_request()
    rows = [["network", r["key"], r["shares"], r["clicks"], r["click_rate"]]
            for r in analytics.by_network(period, post.id)]
    rows += [["department", r["department"] or "(none)", r["shares"], r["clicks"], r["click_rate"]]
             for r in analytics.by_department_for_post(period, post.id)]
    header = ["by", "name", "shares", "clicks", "clicks per share"]
    return csv_response(f"post-{post.id}-{period.days}-days.csv", header, rows)


def network_csv(period):
    return (["network", "shares", "clicks", "clicks per share"],
            [[r["key"], r["shares"], r["clicks"], r["click_rate"]] for r in analytics.by_network(period)])


def department_csv(period):
    header = ["department", "people", "certified", "shared", "certified %", "shared %", "shares", "clicks",
              "clicks per share", "gap"]
    return header, [[r["department"] or "(none)", r["people"], r["certified"], r["sharing"], r["trained_percent"],
                     r["sharing_percent"], r["shares"], r["clicks"], r["click_rate"], r["gap"] or ""]
                    for r in analytics.by_department(period)]


def post_csv(period):
    return (["post", "title", "shares", "clicks", "clicks per share"],
            [[r["key"], r["title"], r["shares"], r["clicks"], r["click_rate"]] for r in analytics.by_post(period)])


def goal_csv(period):
    header = ["goal", "kpi", "baseline", "baseline date", "current", "measured by the app", "target", "progress %"]
    return header, [[r["goal"].name, r["goal"].kpi, r["goal"].baseline, r["goal"].baseline_date, r["value"],
                     r["measured"], r["goal"].target, r["progress"]] for r in analytics.goal_progress(period.until)]
