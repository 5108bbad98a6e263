"""`Dataset.bucket_by_sequence_length`: elements bucketed by length, each bucket padded-batched.

Built as TF builds it: `group_by_window` with the bucket index as key and the bucket's batch size
as window size, each window padded (to the batch's longest element, to `padded_shapes`, or to
just under the bucket's upper boundary) by `padded_batch`, or batched as is with `no_padding`.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.data import batch_op, group_by_window_op, padded_batch_op, window_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import UNKNOWN
from tensorflux._src.ops import debugging_ops, indexing_ops, math_ops, reduction_ops

_INT32_MIN, _INT32_MAX = int(np.iinfo(np.int32).min), int(np.iinfo(np.int32).max)


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):  # fmt: skip
    """Batches of elements of similar length: an element of length `n` goes to the bucket
    `i` with `bucket_boundaries[i-1] <= n < bucket_boundaries[i]`, batched `bucket_batch_sizes[i]`
    at a time.

    >>> ds = tf.data.Dataset.range(1, 6).map(lambda n: tf.range(n))
    >>> ds = ds.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3], [2, 2])
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[[0, 0], [0, 1]], [[0, 1, 2, 0], [0, 1, 2, 3]], [[0, 1, 2, 3, 4]]]
    """
    boundaries = [int(b) for b in bucket_boundaries]
    batch_sizes = [int(b) for b in bucket_batch_sizes]
    if len(batch_sizes) != len(boundaries) + 1:
        raise ValueError(
            f"`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
            f"`len(bucket_batch_sizes)={len(batch_sizes)}` and "
            f"`len(bucket_boundaries)={len(boundaries)}`."
        )
    batch_size_table = np.asarray(batch_sizes, dtype=np.int64)
    buckets_min = [_INT32_MIN, *boundaries]
    buckets_max = [*boundaries, _INT32_MAX]

    def element_to_bucket_id(*args):
        length = element_length_func(*args)
        in_bucket = math_ops.logical_and(
            math_ops.less_equal(buckets_min, length), math_ops.less(length, buckets_max)
        )
        return reduction_ops.reduce_min(indexing_ops.where(in_bucket))

    def window_size_fn(bucket_id):
        return indexing_ops.gather(convert_to_tensor(batch_size_table), bucket_id)

    def batching_fn(bucket_id, grouped_dataset):
        bucket = int(bucket_id.numpy())
        batch_size = int(batch_size_table[bucket])
        if no_padding:
            return grouped_dataset.batch(batch_size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            debugging_ops.assert_less(
                bucket_id,
                convert_to_tensor(len(batch_sizes) - 1, dtype=dtypes.int64),
                message="When pad_to_bucket_boundary=True, elements must have length < "
                "max(bucket_boundaries).",
            )
            filler = boundaries[bucket] - 1
        shapes = _padded_shapes(padded_shapes or _shapes_of(grouped_dataset), filler)
        return grouped_dataset.padded_batch(
            batch_size, shapes, padding_values, drop_remainder=drop_remainder
        )

    element_spec = _output_spec(
        dataset.element_spec, padded_shapes, padding_values, pad_to_bucket_boundary, no_padding
    )
    return group_by_window_op.GroupByWindowDataset(
        dataset,
        element_to_bucket_id,
        batching_fn,
        window_size_func=window_size_fn,
        element_spec=element_spec,
    )


def experimental_bucket_by_sequence_length(element_length_func, bucket_boundaries,
                                           bucket_batch_sizes, padded_shapes=None,
                                           padding_values=None, pad_to_bucket_boundary=False,
                                           no_padding=False, drop_remainder=False):  # fmt: skip
    """`tf.data.experimental.bucket_by_sequence_length`: `Dataset.bucket_by_sequence_length`
    for `apply`.

    >>> ds = tf.data.Dataset.range(1, 4).map(tf.range).apply(
    ...     experimental_bucket_by_sequence_length(lambda x: tf.size(x), [2], [1, 2]))
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[[0]], [[0, 1, 0], [0, 1, 2]]]
    """
    return lambda dataset: bucket_by_sequence_length(
        dataset, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder,
    )  # fmt: skip


def _shapes_of(dataset):
    return structure_lib.map_structure(lambda spec: spec.shape, dataset.element_spec)


def _padded_shapes(shapes, filler):
    """`shapes` with their unknown dimensions set to `filler`."""
    return structure_lib.map_structure(
        lambda shape: [filler if d is None else d for d in TensorShape(shape).as_list()], shapes
    )


def _output_spec(input_spec, padded_shapes, padding_values, pad_to_bucket_boundary, no_padding):
    """The element_spec TF gives: a batch dimension of None (the batch size is looked up per
    bucket), and None for the dimensions padded to a bucket's boundary."""
    if no_padding:
        return structure_lib.map_structure(
            lambda spec: batch_op.batched_spec(spec, None), input_spec
        )
    shapes = padded_shapes or structure_lib.map_structure(lambda spec: spec.shape, input_spec)
    if pad_to_bucket_boundary:
        shapes = _padded_shapes(shapes, None)
    placeholder = window_op.VariantDataset(input_spec, [], UNKNOWN)
    return padded_batch_op.PaddedBatchDataset(placeholder, 1, shapes, padding_values).element_spec
