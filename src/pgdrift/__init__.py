"""pgdrift: find wrong table, column and record-field references in PostgreSQL SQL and
PL/pgSQL before they reach production, detect schema drift, and test the result on
throwaway Postgres servers."""

__version__ = "0.1.0"
