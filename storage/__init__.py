"""Persistence: SQLModel models, the async engine, repositories and migrations.

This package is the only place that speaks SQL.
"""
