"""Imports every model module so SQLAlchemy's registry and Alembic see all tables."""
from app.accounts.models import ApiToken, User  # noqa: F401
from app.companies.models import Company, EscortAssignment  # noqa: F401
from app.core.models import AuditLog, CalendarOverride, Notification, Setting  # noqa: F401
from app.reference.models import Department, Industry, Town  # noqa: F401
from app.tickets.models import Attachment, DispatchRecord, ExtensionRequest, Ticket, TicketCounter, TicketEvent, TicketTag  # noqa: F401
from app.visits.models import Visit, VisitPhoto  # noqa: F401
from app.rankings.models import RankingPublication  # noqa: E402,F401
from app.knowledge.models import KnowledgeEntry, ReplyTemplate  # noqa: E402,F401
from app.search.models import TicketSearchDoc  # noqa: E402,F401
import app.search.index  # noqa: E402,F401  (keeps the search rows in step with every flush)
from app.notify.models import NotificationPreference, OutboxMessage, Robot, WebhookSubscription  # noqa: F401
from app.common_problems.models import CommonProblem, CommonProblemEvent  # noqa: E402,F401
from app.monitoring.models import TicketMonthCount  # noqa: E402,F401
