"""xAPI statements from the learning domain's events: which verb, which activities, who.

Pure: an event's name and payload, the person's identifiers and the settings in, statements out
(plain dicts, xAPI 1.0.3, which 2.0.0 also accepts). Nothing else about the person is sent: the
actor is only what XAPI_ACTOR names (no name, no department).

Statement ids are UUIDv5 of the record they describe (in a namespace of this installation's
PUBLIC_URL): the same lesson read, attempt or certification always gets the same id, whether the
statement was written when it happened or by `flask xapi backfill`, so the LRS stores it once.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

# Verbs. ADL's own where ADL has one, the Tin Can registry's "earned" and Activity Streams'
# "accept" next; certifications renewed, expiring and revoked have no registered verb, so they
# are this installation's IRIs under PUBLIC_URL (README, "Learning record store (xAPI)").
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "experienced": ADL + "experienced",
    "attempted": ADL + "attempted",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "earned": "http://id.tincanapi.com/verb/earned",
    "acknowledged": "http://activitystrea.ms/schema/1.0/accept",
}
OWN_VERBS = ("renewed", "expired", "revoked")

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "tier": "http://id.tincanapi.com/activitytype/certification",
    "policy": "http://id.tincanapi.com/activitytype/document",
}
PLATFORM = "Advocacy"
TIER_NAMES = {"basic": "Basic", "advanced": "Advanced", "expert": "Expert"}


@dataclass(frozen=True)
class Settings:
    endpoint: str
    username: str
    password: str
    actor: str            # mbox | mbox_sha1sum | account
    homepage: str
    version: str
    batch_size: int
    timeout: int
    claim_timeout: int
    public_url: str

    @property
    def enabled(self) -> bool:
        return bool(self.endpoint)

    @classmethod
    def of(cls, config) -> Settings:
        return cls(endpoint=config.get("XAPI_ENDPOINT") or "", username=config.get("XAPI_USERNAME") or "",
                   password=config.get("XAPI_PASSWORD") or "", actor=config.get("XAPI_ACTOR") or "mbox",
                   homepage=config.get("XAPI_ACCOUNT_HOMEPAGE") or "", version=config.get("XAPI_VERSION") or "1.0.3",
                   batch_size=int(config.get("XAPI_BATCH_SIZE") or 50), timeout=int(config.get("XAPI_TIMEOUT") or 10),
                   claim_timeout=int(config.get("XAPI_CLAIM_TIMEOUT") or 300),
                   public_url=str(config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"))


@dataclass(frozen=True)
class Person:
    """What identifies a person to the LRS: the e-mail, and the provider's externalId if any."""
    id: int
    email: str | None
    external_id: str | None = None
    language: str | None = None


def actor_of(person: Person, settings: Settings) -> dict | None:
    """The xAPI Agent as configured; None when the person has nothing to identify them by."""
    if settings.actor == "account":
        name = person.external_id or person.email
        return {"objectType": "Agent", "account": {"homePage": settings.homepage, "name": name}} if name else None
    if not person.email:
        return None
    mbox = "mailto:" + person.email.strip().lower()
    if settings.actor == "mbox_sha1sum":
        return {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()}
    return {"objectType": "Agent", "mbox": mbox}


def verb(name: str, settings: Settings) -> dict:
    iri = VERBS.get(name) or f"{settings.public_url}/xapi/verbs/{name}"
    return {"id": iri, "display": {"en-US": name}}


def extension(name: str, settings: Settings) -> str:
    return f"{settings.public_url}/xapi/extensions/{name}"


def namespace(settings: Settings) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, settings.public_url + "/xapi")


def statement_id(key: str, settings: Settings) -> str:
    return str(uuid.uuid5(namespace(settings), key))


def instant(value: str | datetime) -> str:
    """ISO 8601 in UTC to the second: one spelling for the same moment, wherever it was read."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration(start: str, end: str) -> str:
    """ISO 8601 duration between two instants, e.g. PT12M5S."""
    seconds = max(0, round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + \
        (f"{seconds}S" if seconds or not (hours or minutes) else "")


def activity(kind: str, iri: str, name: str) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {"en-US": name}}}


def course_activity(slug: str, s: Settings) -> dict:
    return activity("course", f"{s.public_url}/courses/{slug}", slug)


def tier_activity(tier: str, s: Settings) -> dict:
    return activity("tier", f"{s.public_url}/tiers/{tier}", f"{TIER_NAMES.get(tier, tier)} certification")


def context(payload: dict, s: Settings, parent: list[dict], language: str) -> dict:
    grouping = [tier_activity(payload["tier"], s)] if payload.get("tier") else []
    found: dict = {"platform": PLATFORM, "language": language}
    activities = {key: value for key, value in (("parent", parent), ("grouping", grouping)) if value}
    if activities:
        found["contextActivities"] = activities
    if payload.get("course_version") is not None:
        found["extensions"] = {extension("course-version", s): payload["course_version"]}
    return found


def build(name: str, payload: dict, person: Person, s: Settings) -> list[tuple[str, dict]]:
    """(verb name, statement) for an event; [] when the event makes no statement or the person
    cannot be identified as configured."""
    actor = actor_of(person, s)
    if actor is None:
        return []
    language = payload.get("language") or person.language or "en"
    course = course_activity(payload["course_slug"], s) if payload.get("course_slug") else None
    parent = [course] if course else []
    made: list[tuple[str, str, dict, str, dict, dict | None]] = []  # verb, key, object, timestamp, context, result
    if name == "lesson.read":
        lesson = activity("lesson", f"{s.public_url}/courses/{payload['course_slug']}/{payload['lesson_slug']}",
                          payload["lesson_slug"])
        key = f"lesson.read:{payload['person_id']}:{payload['course_slug']}:{payload['lesson_slug']}"
        made.append(("experienced", key, lesson, payload["occurred_at"], context(payload, s, parent, language), None))
    elif name == "quiz.attempt_finished":
        quiz = activity("quiz", f"{s.public_url}/courses/{payload['course_slug']}/quiz",
                        f"{payload['course_slug']} quiz")
        took = duration(payload["started_at"], payload["finished_at"])
        ctx = context(payload, s, parent, language)
        made.append(("attempted", f"attempt:{payload['attempt_id']}:attempted", quiz, payload["started_at"], ctx, None))
        outcome = {"score": {"scaled": float(payload["score_scaled"])}, "success": bool(payload["passed"]),
                   "completion": True, "duration": took}
        made.append(("passed" if payload["passed"] else "failed", f"attempt:{payload['attempt_id']}:result", quiz,
                     payload["finished_at"], ctx, outcome))
    elif name in ("certification.earned", "certification.renewed"):
        what = name.split(".")[1]
        ctx = context(payload, s, parent, language)
        ctx.setdefault("extensions", {})[extension("valid-until", s)] = instant(payload["valid_until"])
        key = f"certification:{payload['certification_id']}:{what}"
        if what == "renewed":
            key += ":" + instant(payload["occurred_at"])
        made.append((what, key, tier_activity(payload["tier"], s), payload["occurred_at"], ctx, None))
    elif name == "certification.expired":
        key = f"certification:{payload['certification_id']}:expired:{instant(payload['expired_at'])}"
        made.append(("expired", key, tier_activity(payload["tier"], s), payload["expired_at"],
                     context(payload, s, parent, language), None))
    elif name == "certification.revoked":
        made.append(("revoked", f"certification:{payload['certification_id']}:revoked",
                     tier_activity(payload["tier"], s), payload["occurred_at"],
                     context(payload, s, parent, language), None))
    elif name == "policy.acknowledged":
        version = payload["policy_version"]
        policy = activity("policy", f"{s.public_url}/policy/{version}", f"Social media policy, version {version}")
        made.append(("acknowledged", f"policy:{payload['person_id']}:{version}", policy, payload["occurred_at"],
                     {"platform": PLATFORM, "language": language,
                      "extensions": {extension("policy-version", s): version}}, None))
    statements = []
    for verb_name, key, obj, timestamp, ctx, result in made:
        statement: dict = {"id": statement_id(key, s), "actor": actor, "verb": verb(verb_name, s), "object": obj,
                           "context": ctx, "timestamp": instant(timestamp)}
        if result is not None:
            statement["result"] = result
        statements.append((verb_name, statement))
    return statements


EVENT_NAMES = ("lesson.read", "quiz.attempt_finished", "certification.earned", "certification.renewed",
               "certification.expired", "certification.revoked", "policy.acknowledged")
