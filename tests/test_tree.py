"""keras.tree / tf.nest: flatten, pack, map over nested structures as Keras 3 does."""

import collections

import numpy as np
import pytest

from keraslite import tree


def test_flatten_walks_mappings_in_sorted_key_order():
    # the values below are what Keras 3's keras.tree returns
    assert tree.flatten(((1, 2), [3], {"b": 4, "a": 5})) == [1, 2, 3, 5, 4]
    assert tree.flatten(None) == [None] and not tree.is_nested(None)
    arr = np.zeros(3)
    assert tree.flatten(arr)[0] is arr and not tree.is_nested(arr)
    assert tree.flatten_with_path({"b": [1, 2], "a": 3}) == [
        (("a",), 3), (("b", 0), 1), (("b", 1), 2)]


def test_pack_sequence_as_inverts_flatten_and_keeps_container_types():
    point = collections.namedtuple("Point", "x y")
    structure = {"b": [0, (0, point(0, 0))], "a": 0}
    packed = tree.pack_sequence_as(structure, range(5))
    assert packed == {"b": [1, (2, point(3, 4))], "a": 0}
    assert list(packed) == ["b", "a"]  # the template's key order
    assert isinstance(packed["b"][1][1], point)
    assert tree.pack_sequence_as({"b": [0, 0], "a": 0}, [7, 8, 9]) == {"b": [8, 9], "a": 7}
    ordered = collections.OrderedDict([("z", 0), ("y", 0)])
    assert isinstance(tree.pack_sequence_as(ordered, [1, 2]), collections.OrderedDict)
    with pytest.raises(ValueError, match="has 3 leaves but flat_sequence holds 2"):
        tree.pack_sequence_as([0, (0, 0)], [1, 2])


def test_map_structure_over_several_structures():
    assert tree.map_structure(lambda x, y: x + y, (1, [2]), (10, [20])) == (11, [22])
    assert tree.map_structure(lambda x: x * 2, {"a": [1], "b": 2}) == {"a": [2], "b": 4}
    with pytest.raises(ValueError, match="structures differ"):
        tree.map_structure(lambda x, y: x, [1, 2], [1, [2]])


def test_assert_same_structure_and_lists_to_tuples():
    tree.assert_same_structure({"a": [1, 2]}, {"a": [3, 4]})
    with pytest.raises(ValueError, match="list vs tuple"):
        tree.assert_same_structure([1, 2], (1, 2))
    tree.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="keys"):
        tree.assert_same_structure({"a": 1}, {"b": 1})
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))


def test_served_as_keras_tree_and_tf_nest(served):
    import keras
    import tensorflow as tf

    assert keras.tree.flatten is tree.flatten
    assert tf.nest.flatten({"b": 1, "a": 2}) == [2, 1]
    assert tf.nest.map_structure(lambda t: t + 1, (1, [2])) == (2, [3])
