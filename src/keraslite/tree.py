"""Nested structures (``keras.tree``, and ``tf.nest`` in the TensorFlow stand-in).

A *structure* is a leaf or a container of structures: ``list``, ``tuple``, named tuple or
mapping (``dict`` and its subclasses). Anything else, ``None`` and arrays included, is a leaf.
Mappings are walked in sorted key order, as in Keras 3 and ``tf.nest``, so
``flatten({"b": 1, "a": 2}) == [2, 1]``; ``pack_sequence_as`` gives back the same kind of
container, with the keys of the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["assert_same_structure", "flatten", "flatten_with_path", "is_nested",
           "lists_to_tuples", "map_structure", "pack_sequence_as"]


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(structure: Any) -> bool:
    """Whether ``structure`` is a container (list, tuple, named tuple or mapping), not a leaf."""
    return isinstance(structure, (list, tuple, Mapping))


def _keys(mapping: Mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:  # keys of mixed types cannot be sorted: keep their order
        return list(mapping)


def _children(structure: Any) -> list:
    if isinstance(structure, Mapping):
        return [structure[k] for k in _keys(structure)]
    return list(structure)


def flatten(structure: Any) -> list:
    """The leaves of ``structure``, depth first (mappings in sorted key order).

    Example: ``flatten([1, (2, {"b": 3, "a": 4})]) == [1, 2, 4, 3]``; ``flatten(5) == [5]``.
    """
    if not is_nested(structure):
        return [structure]
    return [leaf for child in _children(structure) for leaf in flatten(child)]


def flatten_with_path(structure: Any) -> list[tuple[tuple, Any]]:
    """``(path, leaf)`` pairs, the path being the keys and indices that lead to the leaf."""
    if not is_nested(structure):
        return [((), structure)]
    keys = _keys(structure) if isinstance(structure, Mapping) else range(len(structure))
    return [((key,) + path, leaf) for key in keys
            for path, leaf in flatten_with_path(structure[key])]


def _rebuild(template: Any, children: list) -> Any:
    if isinstance(template, Mapping):
        values = dict(zip(_keys(template), children))
        ordered = [(k, values[k]) for k in template]  # the template's own key order
        try:
            return type(template)(ordered)
        except TypeError:
            return dict(ordered)
    if _is_namedtuple(template):
        return type(template)(*children)
    if isinstance(template, tuple):
        return tuple(children)
    return list(children)


def pack_sequence_as(structure: Any, flat_sequence: Any) -> Any:
    """The leaves of ``flat_sequence`` put back in the nesting of ``structure``.

    The inverse of :func:`flatten`: ``pack_sequence_as(s, flatten(s))`` rebuilds ``s``.

    Raises:
        ValueError: if ``flat_sequence`` does not hold exactly one item per leaf.
    """
    flat = list(flat_sequence)
    expected = len(flatten(structure))
    if len(flat) != expected:
        raise ValueError(
            f"pack_sequence_as: the structure has {expected} leaves but flat_sequence holds "
            f"{len(flat)} items. Pass one item per leaf of {structure!r}.")
    position = iter(flat)

    def pack(template: Any) -> Any:
        if not is_nested(template):
            return next(position)
        return _rebuild(template, [pack(child) for child in _children(template)])

    return pack(structure)


def assert_same_structure(a: Any, b: Any, check_types: bool = True) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` nest the same way (leaves may differ).

    With ``check_types``, the containers must also be of the same kind (a list is not a
    tuple); mappings must have the same keys.
    """
    def walk(x: Any, y: Any, path: str) -> None:
        if is_nested(x) != is_nested(y):
            raise ValueError(f"The structures differ at {path or 'the top'}: "
                             f"{type(x).__name__} vs {type(y).__name__}. Received: {a!r} and {b!r}")
        if not is_nested(x):
            return
        if check_types and type(x) is not type(y) and not (
                isinstance(x, Mapping) and isinstance(y, Mapping)):
            raise ValueError(f"The structures differ at {path or 'the top'}: "
                             f"{type(x).__name__} vs {type(y).__name__}. Received: {a!r} and {b!r}")
        if isinstance(x, Mapping) and _keys(x) != _keys(y):
            raise ValueError(f"The structures differ at {path or 'the top'}: keys "
                             f"{_keys(x)} vs {_keys(y)}")
        if len(x) != len(y):
            raise ValueError(f"The structures differ at {path or 'the top'}: lengths "
                             f"{len(x)} vs {len(y)}. Received: {a!r} and {b!r}")
        for i, (cx, cy) in enumerate(zip(_children(x), _children(y))):
            walk(cx, cy, f"{path}[{i}]")

    walk(a, b, "")


def map_structure(func: Callable, *structures: Any, **kwargs: Any) -> Any:
    """``func`` applied leaf by leaf across ``structures``, in the nesting of the first one.

    ``map_structure(lambda x, y: x + y, (1, [2]), (10, [20])) == (11, [22])``.
    ``check_types`` (keyword, default True) is passed to :func:`assert_same_structure`.
    """
    if not structures:
        raise ValueError("map_structure needs at least one structure. Received: none")
    check_types = kwargs.pop("check_types", True)
    if kwargs:
        raise TypeError(f"map_structure got unexpected keyword arguments: {sorted(kwargs)}")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    leaves = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*args) for args in zip(*leaves)])


def lists_to_tuples(structure: Any) -> Any:
    """The same structure with every list turned into a tuple."""
    if not is_nested(structure):
        return structure
    children = [lists_to_tuples(c) for c in _children(structure)]
    if isinstance(structure, list):
        return tuple(children)
    return _rebuild(structure, children)
