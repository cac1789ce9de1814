"""Deferred imports: optional or rarely used parts load on first use.

This keeps ``import keraslite`` close to the cost of ``import numpy``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """A stand-in for module ``name`` that imports it on first attribute access."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._lazy_target: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        target = self.__dict__.get("_lazy_target")
        if target is None:
            target = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = target
        return getattr(target, attribute)


def lazy_attributes(package: str, table: dict[str, tuple[str, str | None]]):
    """A module ``__getattr__`` serving ``table[name] = (module, attribute or None)`` lazily."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's required name
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, attribute = table[name]
        module = importlib.import_module(module_name)
        return module if attribute is None else getattr(module, attribute)

    return __getattr__
