"""Parsing: SQL files and PL/pgSQL (pglast), statement meaning (sqlglot)."""
