"""the learned department model (department_models) and tickets.paused_working_days

department_models: one row per training of the department model (app.tickets.department_model),
the newest used at dispatch. tickets.paused_working_days: the working days a problem's clock was
paused (待企业补充材料), summed over its resumes, so close_working_days and rankings leave them out.
Existing problems get theirs from their resume events, and the closed ones' close_working_days lose them.

Revision ID: 0023_dept_model_paused_days
Revises: 0026_co_departments
Create Date: 2026-12-06 04:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_dept_model_paused_days'
down_revision = '0026_co_departments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'department_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trained_at', sa.DateTime(), nullable=False),
        sa.Column('examples', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_department_models'),
    )
    op.add_column('tickets', sa.Column('paused_working_days', sa.Integer(), server_default='0', nullable=False))

    # Problems paused and resumed before this column: their paused days from the resume events.
    bind = op.get_bind()
    events = sa.table('ticket_events', sa.column('ticket_id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('data', sa.JSON))
    tickets = sa.table('tickets', sa.column('id', sa.Integer), sa.column('paused_working_days', sa.Integer),
                       sa.column('close_working_days', sa.Integer))
    paused = {}
    for ticket_id, data in bind.execute(sa.select(events.c.ticket_id, events.c.data).where(events.c.kind == 'resume')):
        days = (data or {}).get('paused_days') or 0
        if days > 0:
            paused[ticket_id] = paused.get(ticket_id, 0) + int(days)
    for ticket_id, days in paused.items():
        bind.execute(tickets.update().where(tickets.c.id == ticket_id).values(paused_working_days=days))
        bind.execute(tickets.update().where(tickets.c.id == ticket_id, tickets.c.close_working_days.is_not(None))
                     .values(close_working_days=sa.case((tickets.c.close_working_days > days,
                                                         tickets.c.close_working_days - days), else_=0)))


def downgrade():
    # Plain DROP COLUMN (as 0017): a batch copy of tickets would turn its inline foreign keys into table
    # constraints that 0003's downgrade could not drop. close_working_days keep the paused days left out.
    op.drop_column('tickets', 'paused_working_days')
    op.drop_table('department_models')
