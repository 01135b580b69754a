"""The live tests' fixtures, for the one catalog test that compares with a real server."""

from tests.live.conftest import varied_db

__all__ = ["varied_db"]
