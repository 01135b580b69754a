"""Throwaway Postgres servers, per-test databases, the pytest plugin, the queue worker and
the history checker. The core never imports this package."""
