"""Every model, imported in one place so Alembic and create_all see the whole schema."""
from advocacy.identity.models import AuthToken  # noqa: F401
from advocacy.learning.models.courses import Course, CourseText, Lesson, LessonVersion
from advocacy.learning.models.progress import CourseResume, LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.goals import Goal, GoalMeasurement, GoalText
from advocacy.core.revision import ContentRevision
from advocacy.learning.models.policy import PolicyText, PolicyVersion
from advocacy.core.organisation import Department, Organisation, User, UserRole  # noqa: F401
from advocacy.core.audit import AuditEntry  # noqa: F401
from advocacy.learning.models.progress import DueDate
from advocacy.reports.models import ReminderLog
from advocacy.learning.models.quizzes import Attempt, Certification, Quiz, QuizQuestion, QuizVersion  # noqa: F401
from advocacy.feed.models import Caption, Click, Post, PostEvent, PostVersion, Share, TrackedLink  # noqa: F401
