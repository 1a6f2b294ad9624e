"""SQLAlchemy models and queries; SQLite by default, PostgreSQL in production."""
