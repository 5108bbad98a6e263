"""tf.nest: nested structures of lists, tuples, dicts and namedtuples."""

from tensorflux._src.core.nest import assert_same_structure as assert_same_structure
from tensorflux._src.core.nest import flatten as flatten
from tensorflux._src.core.nest import flatten_up_to as flatten_up_to
from tensorflux._src.core.nest import (
    flatten_with_joined_string_paths as flatten_with_joined_string_paths,
)
from tensorflux._src.core.nest import is_nested as is_nested
from tensorflux._src.core.nest import map_structure as map_structure
from tensorflux._src.core.nest import pack_sequence_as as pack_sequence_as
