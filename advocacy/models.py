"""Every model, imported in one place so Alembic and create_all see the whole schema."""
from advocacy.auth.models import AuthToken  # noqa: F401
from advocacy.courses.models import Course, CourseResume, CourseText, Goal, GoalMeasurement, GoalText, Lesson, ContentRevision, LessonProgress, LessonVersion, PolicyAcknowledgement, PolicyText, PolicyVersion, TierGrant
from advocacy.people.models import Department, Organisation, User, UserRole  # noqa: F401
from advocacy.reports.models import AuditEntry, DueDate, ReminderLog  # noqa: F401
from advocacy.quizzes.models import Attempt, Certification, Quiz, QuizQuestion, QuizVersion  # noqa: F401
from advocacy.feed.models import Caption, Click, Post, PostEvent, PostVersion, Share, TrackedLink  # noqa: F401
