"""What the API takes and gives, as pydantic models: spectree validates each request's query
against them and writes the OpenAPI 3.1 description from them (JSON Schema 2020-12)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advocacy.core.pagination import MAX_ID
from advocacy.learning.tiers import TIERS

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
Tier = Literal[TIERS]  # type: ignore[valid-type]


class Problem(BaseModel):
    """RFC 9457 problem details: every error of the API."""

    type: str = Field(examples=["about:blank"])
    title: str = Field(examples=["Bad request"])
    status: int = Field(ge=400, le=599, examples=[400])
    detail: str = Field(examples=["limit: Input should be less than or equal to 200"])
    parameter: str | None = Field(None, description="The query parameter that was refused.", examples=["limit"])
    scope: str | None = Field(None, description="The scope the token lacks (403).", examples=["read:people"])


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (1 to 200).")
    cursor: str | None = Field(None, max_length=400,
                               description="The next_cursor of the previous page; leave out for the first.")


class DepartmentQuery(PageQuery):
    department: int | None = Field(None, ge=1, le=MAX_ID, description="Only people of this department (its id).")


class RangeQuery(DepartmentQuery):
    since: date | None = Field(None, description="From this day on (UTC, inclusive), e.g. 2026-01-01.")
    until: date | None = Field(None, description="Up to and including this day (UTC), e.g. 2026-03-31.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError("until: the range ends before it starts (since is after until)")
        return self


class Page(BaseModel):
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page.")


class Person(BaseModel):
    id: int
    name: str | None = Field(description="null for an erased former employee, or when API_WITHHOLD has it.")
    email: str | None = Field(description="null for an erased former employee, or when API_WITHHOLD has it.")
    former_employee: bool = Field(description="Erased: shown as a former employee, without name or e-mail.")
    department_id: int | None
    department: str | None
    manager_id: int | None = Field(description="null when API_WITHHOLD has it.")
    status: Literal["active", "deactivated"]
    roles: list[str] = Field(description="Empty for a former employee, or when API_WITHHOLD has it.")
    start_date: date | None = Field(description="null when API_WITHHOLD has it.")


class PeoplePage(Page):
    data: list[Person]


class Department(BaseModel):
    id: int
    name: str


class DepartmentsPage(Page):
    data: list[Department]


class TierStatus(BaseModel):
    tier: Tier
    assigned: bool
    started: bool = Field(description="A lesson read, not certified (yet).")
    certified: bool = Field(description="Holds a valid certification now.")
    overdue: bool = Field(description="Assigned, not certified, and the due date has passed.")
    due_on: date | None = Field(description="HR's date, or the default from the start date; null when not assigned.")


class PersonStatus(BaseModel):
    person_id: int
    department_id: int | None
    tiers: list[TierStatus]


class StatusPage(Page):
    data: list[PersonStatus]


class CertificationOut(BaseModel):
    id: int
    person_id: int
    tier: Tier
    earned_at: datetime = Field(description="The last pass (a renewal moves it).")
    first_earned_at: datetime | None
    valid_until: datetime
    revoked_at: datetime | None
    valid: bool = Field(description="Counts now: earned, not expired, not revoked.")


class CertificationsPage(Page):
    data: list[CertificationOut]


class AttemptOut(BaseModel):
    id: int
    person_id: int
    course: str = Field(description="The course's slug.")
    tier: Tier
    quiz_version: int = Field(description="The version of the quiz taken (a new version when it changed).")
    started_at: datetime
    finished_at: datetime | None
    score: float | None = Field(description="In percent, 0 to 100; null while unfinished.")
    passed: bool | None
    timed_out: bool


class AttemptsPage(Page):
    data: list[AttemptOut]


class PostOut(BaseModel):
    id: int
    slug: str
    title: str
    phase: Literal["scheduled", "live", "expired", "withdrawn"]
    min_tier: Tier
    publish_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None
    department_ids: list[int] = Field(description="The departments it is for; empty: everyone.")
    shares: int = Field(ge=0, description="All time.")
    clicks: int = Field(ge=0, description="All time.")


class PostsPage(Page):
    data: list[PostOut]


class DailyTotal(BaseModel):
    day: date
    post_id: int
    network: str
    department_id: int | None = Field(description="The sharer's department now; null: none or unknown.")
    shares: int = Field(ge=0)
    clicks: int = Field(ge=0)


class DailyTotalsPage(Page):
    data: list[DailyTotal]
