"""Every model, imported in one place so Alembic and create_all see the whole schema."""
from .auth.models import AuthToken  # noqa: F401
from .courses.models import Course, Goal, GoalMeasurement, PolicyAcknowledgement, PolicyVersion, TierGrant  # noqa: F401
from .people.models import Department, Organisation, User, UserRole  # noqa: F401
from .reports.models import AuditEntry  # noqa: F401
from .quizzes.models import Attempt, Certification, Quiz, QuizQuestion, QuizVersion  # noqa: F401
