"""Changes on the learning side. The route commits, once per request."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.core.audit import record
from advocacy.learning.models.progress import CourseResume, LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.goals import Goal, GoalMeasurement
from advocacy.learning.models.policy import PolicyVersion

GOAL_TEXT_FIELDS = ("name", "why", "kpi", "unit")
GOAL_FIELDS = GOAL_TEXT_FIELDS + ("measure", "baseline", "baseline_date", "target")


# -- reading -------------------------------------------------------------------------------------

def mark_lesson_read(user_id: int, lesson_id: int, version_id: int, now: datetime) -> bool:
    """Record that the person finished the lesson (first time only: reading it again keeps the
    date and version of the first read). True when this created the record."""
    exists = db.session.scalar(select(LessonProgress.id).where(
        LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id))
    if exists:
        return False
    db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson_id, lesson_version_id=version_id, read_at=now))
    return True


def remember_lesson_opened(user_id: int, course_id: int, lesson_id: int, now: datetime) -> bool:
    """Keep the lesson a person last opened per course, so another device resumes there.
    True when something changed (the caller commits only then)."""
    resume = db.session.scalar(select(CourseResume).where(
        CourseResume.user_id == user_id, CourseResume.course_id == course_id))
    if resume is None:
        db.session.add(CourseResume(user_id=user_id, course_id=course_id, lesson_id=lesson_id, opened_at=now))
        return True
    if resume.lesson_id == lesson_id:
        return False
    resume.lesson_id, resume.opened_at = lesson_id, now
    return True


# -- policy --------------------------------------------------------------------------------------

def acknowledge_policy(user_id: int, policy: PolicyVersion, now: datetime) -> bool:
    exists = db.session.scalar(select(PolicyAcknowledgement.id).where(
        PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.policy_version_id == policy.id))
    if exists:
        return False
    db.session.add(PolicyAcknowledgement(user_id=user_id, policy_version_id=policy.id, acknowledged_at=now))
    return True


def publish_policy(author_id: int, title: str, summary: str, body: str, now: datetime) -> PolicyVersion:
    """A new version written in the browser: number max+1, rendered as untrusted Markdown.
    Everyone is asked to acknowledge it (acknowledgements are per version)."""
    newest = db.session.scalar(select(func.max(PolicyVersion.version))) or 0
    policy = PolicyVersion(version=newest + 1, title=title, summary=summary, body=body, source="browser",
                           created_at=now, created_by_id=author_id)
    db.session.add(policy)
    record("policy.publish", f"policy version {policy.version}: {title}")
    return policy


# -- tiers ---------------------------------------------------------------------------------------

def request_expert(user_id: int, now: datetime) -> TierGrant | None:
    """Ask marketing for the expert tier; asking again after a decline re-opens the request.
    None when a request is already waiting or approved."""
    grant = db.session.scalar(select(TierGrant).where(TierGrant.user_id == user_id, TierGrant.tier == "expert"))
    if grant is None:
        grant = TierGrant(user_id=user_id, tier="expert")
        db.session.add(grant)
    elif grant.status != "declined":
        return None
    grant.status, grant.requested_at, grant.decided_at, grant.decided_by_id, grant.note = (
        "requested", now, None, None, "")
    return grant


def decide_expert_request(grant: TierGrant, approve: bool, decider_id: int, note: str, now: datetime) -> None:
    grant.status = "approved" if approve else "declined"
    grant.decided_at, grant.decided_by_id, grant.note = now, decider_id, note
    record("tier.expert." + grant.status, note, subject_id=grant.user_id)


def assign_advanced(person_id: int, hr_id: int, now: datetime) -> bool:
    """HR opens the advanced tier for someone outside the advanced departments."""
    grant = db.session.scalar(select(TierGrant).where(TierGrant.user_id == person_id, TierGrant.tier == "advanced"))
    if grant is not None and grant.status == "approved":
        return False
    if grant is None:
        grant = TierGrant(user_id=person_id, tier="advanced", requested_at=now)
        db.session.add(grant)
    grant.status, grant.decided_at, grant.decided_by_id = "approved", now, hr_id
    record("tier.advanced.assign", "", subject_id=person_id)
    return True


def remove_advanced(person_id: int) -> bool:
    grant = db.session.scalar(select(TierGrant).where(TierGrant.user_id == person_id, TierGrant.tier == "advanced"))
    if grant is None:
        return False
    db.session.delete(grant)
    record("tier.advanced.remove", "", subject_id=person_id)
    return True


# -- goals ---------------------------------------------------------------------------------------

def create_goal(values: dict, now: datetime) -> Goal:
    goal = Goal(slug=values["slug"], **{k: values[k] for k in GOAL_FIELDS}, edited_at=now)
    db.session.add(goal)
    return goal


def update_goal(goal: Goal, values: dict, now: datetime) -> None:
    """Marks the goal as edited in the browser, so `flask content sync` leaves it alone. When its
    words change, its translations from content/ no longer describe it and are dropped (readers
    then see the edited English words)."""
    if any(getattr(goal, k) != values[k] for k in GOAL_TEXT_FIELDS):
        goal.texts = []
    for key in GOAL_FIELDS:
        setattr(goal, key, values[key])
    goal.edited_at = now


def retire_goal(goal: Goal, now: datetime) -> None:
    goal.retired_at = goal.retired_at or now
    goal.edited_at = now


def restore_goal(goal: Goal, now: datetime) -> None:
    goal.retired_at = None
    goal.edited_at = now


def add_measurement(goal: Goal, value: float, measured_on: date, user_id: int, now: datetime) -> GoalMeasurement:
    measurement = GoalMeasurement(goal=goal, value=value, measured_on=measured_on, entered_by_id=user_id,
                                  entered_at=now)
    db.session.add(measurement)
    return measurement
