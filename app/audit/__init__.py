"""The administrator's audit log page (the log itself is app.core.audit's)."""
