"""Rules: one per module, registered by code. Importing this package registers them all."""

from __future__ import annotations

import importlib
import pkgutil

from pgdrift.rules.base import REGISTRY, Rule, get_rule


def load_all() -> dict[str, type[Rule]]:
    """Import every rule module in this package so that each registers itself."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


__all__ = ["REGISTRY", "Rule", "get_rule", "load_all"]
