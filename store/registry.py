"""Import every module that defines tables, so metadata (and Alembic) sees them all."""

import importlib
import pkgutil

import store


def import_all_models() -> None:
    """Feature modules may add tables in store/<feature>.py; import them all once."""
    for module in pkgutil.iter_modules(store.__path__):
        if module.name not in {"migrations"}:
            importlib.import_module(f"store.{module.name}")
