"""Every model, imported in one place so Alembic and create_all see the whole schema."""
from .auth.models import AuthToken  # noqa: F401
from .courses.models import (Course, CourseResume, CourseText, Goal, GoalMeasurement, GoalText, Lesson,  # noqa: F401
                             ContentRevision, LessonProgress, LessonVersion, PolicyAcknowledgement, PolicyText,
                             PolicyVersion, TierGrant)
from .people.models import Department, Organisation, User, UserRole  # noqa: F401
from .reports.models import AuditEntry, DueDate, ReminderLog  # noqa: F401
from .quizzes.models import Attempt, Certification, Quiz, QuizQuestion, QuizVersion  # noqa: F401
from .feed.models import Caption, Click, Post, PostEvent, PostVersion, Share, TrackedLink  # noqa: F401
