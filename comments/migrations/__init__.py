"""Alembic migrations; `comments migrate` runs them."""
