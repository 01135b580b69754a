"""Analysis: scopes, resolution and suggestions."""
