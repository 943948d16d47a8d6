"""Fault tests: real Redis, PostgreSQL and app processes killed and restarted under load."""
