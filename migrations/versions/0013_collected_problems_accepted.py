"""problems an escort collects start accepted: move the ones still waiting in 待受理

Problems with source 'visit' or 'escort' are now accepted by whoever files them (timeline event
'collect', 走访收集并受理) and run no acceptance clock. Existing ones still in 'submitted' are
moved the same way:

- status 'accepted', accepted_at = created_at (they were collected then), no acceptance
  deadline (accept_due_at NULL, accepted_on_time NULL: there was no acceptance stage);
- due_at NULL and the sweep's "notified for" markers cleared: the next `flask tickets sweep`
  gives each one the escort's reply deadline counted from that sweep, so nobody is shown
  overdue (or 督办-ed) for an acceptance step that no longer exists;
- their 'submit' timeline event becomes 'collect' with to_status 'accepted';
- version + 1, so an open page holding the old state is refused as stale.

Portal and hotline problems are untouched. Schema unchanged. Downgrade renames 'collect'
events back to 'submit' (the older code knows no 'collect'); the states stay, as the older code
handles accepted problems.

Revision ID: 0013_collected_problems_accepted
Revises: 0006_audit_indexes
Create Date: 2026-12-06 01:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_collected_problems_accepted'
down_revision = '0006_audit_indexes'
branch_labels = None
depends_on = None

COLLECTED = "source IN ('visit', 'escort') AND status = 'submitted'"


def upgrade():
    op.execute(
        "UPDATE ticket_events SET kind = 'collect', to_status = 'accepted' "
        f"WHERE kind = 'submit' AND ticket_id IN (SELECT id FROM tickets WHERE {COLLECTED})"
    )
    op.execute(
        "UPDATE tickets SET status = 'accepted', accepted_at = created_at, accept_due_at = NULL, "
        "accepted_on_time = NULL, due_at = NULL, overdue_notified_for = NULL, due_soon_notified_for = NULL, "
        f"version = version + 1 WHERE {COLLECTED}"
    )


def downgrade():
    op.execute("UPDATE ticket_events SET kind = 'submit' WHERE kind = 'collect'")
