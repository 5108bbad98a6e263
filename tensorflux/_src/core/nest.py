"""`tf.nest`: flattening and rebuilding nested structures of lists, tuples, dicts and namedtuples.

Dicts (any Mapping) are visited in sorted key order and namedtuples and attrs classes field by
field, exactly as TF orders them, so a flattened structure lines up with TF's.
"""

from __future__ import annotations

import collections.abc
import itertools


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def _is_attrs(value) -> bool:
    return hasattr(type(value), "__attrs_attrs__")


def _is_composite(value) -> bool:
    return hasattr(value, "_type_spec") and hasattr(type(value), "_to_components")


def is_nested(structure) -> bool:
    """True for lists, tuples, dicts, namedtuples and attrs objects (not strings).

    >>> tf.nest.is_nested([1, 2]), tf.nest.is_nested("ab")
    (True, False)
    """
    return isinstance(
        structure, (list, tuple, collections.abc.Mapping, collections.abc.MappingView)
    ) or _is_attrs(structure)


is_nested_or_composite = is_nested


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def _children(structure) -> list:
    if isinstance(structure, collections.abc.Mapping):
        return [structure[k] for k in _sorted_keys(structure)]
    if isinstance(structure, collections.abc.MappingView):
        return list(structure)
    if _is_attrs(structure):
        return [getattr(structure, a.name) for a in type(structure).__attrs_attrs__]
    return list(structure)


def _flatten_into(structure, out: list, expand_composites: bool) -> None:
    if expand_composites and _is_composite(structure):
        out.extend(structure._to_components())
    elif is_nested(structure):
        for child in _children(structure):
            _flatten_into(child, out, expand_composites)
    else:
        out.append(structure)


def flatten(structure, expand_composites: bool = False) -> list:
    """The leaves of `structure`, depth first; dicts in sorted key order.

    >>> tf.nest.flatten({"b": 2, "a": [1, (3, 4)]})
    [1, 3, 4, 2]
    """
    out: list = []
    _flatten_into(structure, out, expand_composites)
    return out


def _rebuild(structure, children):
    """A structure like `structure` holding `children` instead of its own."""
    if isinstance(structure, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(structure), children))
        if isinstance(structure, collections.defaultdict):
            result = collections.defaultdict(structure.default_factory)
            result.update((k, by_key[k]) for k in structure)
            return result
        try:
            return type(structure)((k, by_key[k]) for k in structure)
        except TypeError:
            return {k: by_key[k] for k in structure}
    if _is_namedtuple(structure):
        return type(structure)(*children)
    if _is_attrs(structure):
        return type(structure)(*children)
    if isinstance(structure, collections.abc.MappingView):
        return list(children)
    if isinstance(structure, tuple):
        return tuple(children)
    if isinstance(structure, list):
        return list(children)
    return type(structure)(children)


def _pack(structure, leaves, expand_composites: bool):
    if expand_composites and _is_composite(structure):
        count = len(structure._to_components())
        parts = [next(leaves) for _ in range(count)]
        return structure._from_components(parts)
    if not is_nested(structure):
        return next(leaves)
    return _rebuild(
        structure, [_pack(child, leaves, expand_composites) for child in _children(structure)]
    )


def pack_sequence_as(structure, flat_sequence, expand_composites: bool = False):
    """Rebuilds `structure` with the leaves of `flat_sequence`, in flatten's order.

    >>> tf.nest.pack_sequence_as({"a": 0, "b": 0}, [1, 2])
    {'a': 1, 'b': 2}
    """
    if not is_nested(flat_sequence):
        raise TypeError(
            f"Attempted to pack value:\n  {flat_sequence!r}\ninto a structure, but found incompatible type `{type(flat_sequence).__name__}` instead."
        )
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure, expand_composites))
    if expected != len(flat_sequence):
        raise ValueError(
            "Could not pack sequence. Structure had "
            f"{expected} atoms, but flat_sequence had {len(flat_sequence)} items.  Structure: "
            f"{structure!r}, flat_sequence: {flat_sequence!r}."
        )
    if not is_nested(structure) and not (expand_composites and _is_composite(structure)):
        return flat_sequence[0]
    return _pack(structure, iter(flat_sequence), expand_composites)


def _same_structure(a, b, check_types: bool, expand_composites: bool) -> None:
    a_nested, b_nested = is_nested(a), is_nested(b)
    if a_nested != b_nested:
        sequence, other = (a, b) if a_nested else (b, a)
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {a!r}\n\nSecond structure: {b!r}\n\n"
            f'More specifically: Substructure "{sequence!r}" is a sequence, while substructure '
            f'"{other!r}" is not'
        )
    if not a_nested:
        return
    if check_types:
        type_a, type_b = type(a), type(b)
        both_mappings = isinstance(a, collections.abc.Mapping) and isinstance(
            b, collections.abc.Mapping
        )
        if type_a is not type_b and not both_mappings:
            raise TypeError(
                "The two structures don't have the same sequence type. Input structure has "
                f"type {type_a}, while shallow structure has type {type_b}."
            )
    if (
        isinstance(a, collections.abc.Mapping)
        and isinstance(b, collections.abc.Mapping)
        and set(a) != set(b)
    ):
        raise ValueError(
            "The two dictionaries don't have the same set of keys. First structure has keys "
            f"{list(a)}, while second structure has keys {list(b)}."
        )
    children_a, children_b = _children(a), _children(b)
    if len(children_a) != len(children_b):
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {a!r}\n\nSecond structure: {b!r}\n\n"
            f"More specifically: The two namedtuples don't have the same sequence type or "
            f"length: {len(children_a)} vs {len(children_b)}"
        )
    for child_a, child_b in zip(children_a, children_b):
        _same_structure(child_a, child_b, check_types, expand_composites)


def assert_same_structure(
    nest1, nest2, check_types: bool = True, expand_composites: bool = False
) -> None:
    """Raises ValueError (or TypeError for differing sequence types) unless the nests match."""
    _same_structure(nest1, nest2, check_types, expand_composites)


def map_structure(func, *structure, **kwargs):
    """Applies `func` to corresponding leaves of the structures; returns the first's structure.

    >>> tf.nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])
    [11, (22, 33)]
    """
    check_types = kwargs.pop("check_types", True)
    expand_composites = kwargs.pop("expand_composites", False)
    if kwargs:
        raise ValueError(
            f"Only valid keyword arguments are `check_types` and `expand_composites`, not: `{', '.join(kwargs)}`"
        )
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types, expand_composites)
    flats = [flatten(s, expand_composites) for s in structure]
    results = [func(*leaves) for leaves in zip(*flats)]
    return pack_sequence_as(structure[0], results, expand_composites)


def _paths(structure, prefix: tuple):
    if not is_nested(structure):
        yield prefix, structure
        return
    if isinstance(structure, collections.abc.Mapping):
        keys = _sorted_keys(structure)
    elif _is_namedtuple(structure):
        keys = list(range(len(structure)))
    elif _is_attrs(structure):
        keys = [a.name for a in type(structure).__attrs_attrs__]
    else:
        keys = list(range(len(structure)))
    for key, child in zip(keys, _children(structure)):
        yield from _paths(child, (*prefix, key))


def flatten_with_tuple_paths(structure, expand_composites: bool = False) -> list:
    return list(_paths(structure, ()))


def flatten_with_joined_string_paths(
    structure, separator: str = "/", expand_composites: bool = False
) -> list:
    return [(separator.join(str(k) for k in path), leaf) for path, leaf in _paths(structure, ())]


def map_structure_with_paths(func, *structure, **kwargs):
    """Like map_structure, but `func` also receives each leaf's path joined with "/"."""
    paths = ["/".join(str(k) for k in path) for path, _ in _paths(structure[0], ())]
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(p, *leaves) for p, *leaves in zip(paths, *flats)])


def flatten_up_to(
    shallow_tree, input_tree, check_types: bool = True, expand_composites: bool = False
) -> list:
    """Flattens `input_tree` only as deep as `shallow_tree` goes."""
    if not is_nested(shallow_tree):
        return [input_tree]
    if not is_nested(input_tree):
        raise TypeError(
            f"If shallow structure is a sequence, input must also be a sequence. Input has type: {type(input_tree).__name__}."
        )
    mappings = isinstance(shallow_tree, collections.abc.Mapping) and isinstance(
        input_tree, collections.abc.Mapping
    )
    if mappings and set(shallow_tree) != set(input_tree):
        raise ValueError(
            "The two structures don't have the same keys. Input structure has keys "
            f"{list(input_tree)}, while shallow structure has keys {list(shallow_tree)}."
        )
    shallow_children, input_children = _children(shallow_tree), _children(input_tree)
    if len(shallow_children) != len(input_children):
        raise ValueError(
            f"The two structures don't have the same sequence length. Input structure has "
            f"length {len(input_children)}, while shallow structure has length {len(shallow_children)}."
        )
    return list(
        itertools.chain.from_iterable(
            flatten_up_to(s, i, check_types) for s, i in zip(shallow_children, input_children)
        )
    )
