"""System settings: the working-day calendar (holiday/workday overrides) and SLA limits."""
