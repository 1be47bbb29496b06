"""Alembic migrations of the dunwell database (a package, so that installs carry it)."""
