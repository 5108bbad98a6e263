"""Shared pieces of the Keras 2 metrics: weight broadcasting, thresholds, confusion counts.

>>> from tensorflux._src.keras.metrics import metrics_utils
>>> metrics_utils.parse_init_thresholds(None)
[0.5]
"""

import numpy as np

from tensorflux._src.core import convert, dtypes
from tensorflux._src.keras import backend
from tensorflux._src.keras.losses import _squeeze_or_expand
from tensorflux._src.ops import (
    array_ops,
    debugging_ops,
    indexing_ops,
    math_ops,
    reduction_ops,
    segment_ops,
)
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor

NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
_CONFUSION_KEYS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def _assert_splits_match(nested_splits_lists):
    message = f"Inputs must have identical ragged splits. Input received: {nested_splits_lists}"
    first = nested_splits_lists[0]
    for splits in nested_splits_lists:
        if len(splits) != len(first):
            raise ValueError(message)
    for splits in nested_splits_lists[1:]:
        for expected, got in zip(first, splits):
            debugging_ops.assert_equal(expected, got, message=message)


def ragged_flat_values(values, mask=None):
    """For ragged inputs (all of them, and the mask if ragged), their flat values with a
    trailing axis of 1, after checking their row splits agree; dense inputs pass unchanged.

    Returns (values, mask) with `values` a list when a list was given.
    """
    as_list = isinstance(values, list)
    items = values if as_list else [values]
    ragged = [isinstance(v, RaggedTensor) for v in items]
    if all(ragged) and (mask is None or isinstance(mask, RaggedTensor)):
        splits = [v.nested_row_splits for v in items]
        _assert_splits_match(splits)
        if isinstance(mask, RaggedTensor):
            _assert_splits_match([splits[0], mask.nested_row_splits])
            mask = array_ops.expand_dims(mask.flat_values, -1)
        items = [array_ops.expand_dims(v.flat_values, -1) for v in items]
        return (items if as_list else items[0]), mask
    if any(ragged):
        raise TypeError(f"Some of the inputs are not tf.RaggedTensor. Input received: {values}")
    if isinstance(mask, RaggedTensor):
        raise TypeError(
            "Ragged mask is not allowed with non-ragged inputs. "
            f"Input received: {values}, mask received: {mask}"
        )
    return values, mask


def squeeze_or_expand(y_pred, y_true=None, sample_weight=None):
    """Lines up ranks as tf_keras does: (y_pred, y_true, sample_weight).

    A trailing size-1 axis is dropped from y_pred or y_true when their ranks differ by one;
    the weights are then squeezed or expanded against y_pred's rank from *before* that drop,
    which is what tf_keras compares them with.
    """
    pred_rank = y_pred.shape.rank
    y_pred, y_true, _ = _squeeze_or_expand(y_pred, y_true, None)
    if sample_weight is None:
        return y_pred, y_true, None
    weight_rank = sample_weight.shape.rank
    if weight_rank in (0, None) or pred_rank is None:
        return y_pred, y_true, sample_weight
    if weight_rank - pred_rank == 1:
        sample_weight = array_ops.squeeze(sample_weight, [-1])
    elif pred_rank - weight_rank == 1:
        sample_weight = array_ops.expand_dims(sample_weight, -1)
    return y_pred, y_true, sample_weight


def weights_broadcastable(weights_shape, values_shape) -> bool:
    """Whether weights can multiply values as TF's `broadcast_weights` allows: a scalar, or
    the same rank with each dimension 1 or equal (unknown dimensions pass)."""
    if weights_shape.rank is None or values_shape.rank is None:
        return True
    if weights_shape.rank == 0:
        return True
    if weights_shape.rank != values_shape.rank:
        return False
    for weight_dim, value_dim in zip(weights_shape.as_list(), values_shape.as_list()):
        if weight_dim is None or value_dim is None or weight_dim == 1:
            continue
        if weight_dim != value_dim:
            return False
    return True


def broadcast_weights(weights, values):
    """`weights` broadcast to the shape of `values`; ValueError when they are incompatible."""
    weights = convert.convert_to_tensor(weights)
    if weights.shape.is_fully_defined() and weights.shape == values.shape:
        return weights
    if not weights_broadcastable(weights.shape, values.shape):
        raise ValueError(
            f"weights can not be broadcast to values. values.rank={values.shape.rank}. "
            f"weights.rank={weights.shape.rank}. values.shape={values.shape}. "
            f"weights.shape={weights.shape}."
        )
    return math_ops.multiply(weights, array_ops.ones_like(values))


def assert_thresholds_range(thresholds):
    if thresholds is None:
        return
    invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def _to_list(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return [value]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """The thresholds as a list, checked to lie in [0, 1]; `default_threshold` when None."""
    if thresholds is not None:
        assert_thresholds_range(_to_list(thresholds))
    return _to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    """Whether the thresholds are i / (n - 1) for i in range(n), n >= 3 (up to epsilon)."""
    thresholds = np.asarray(thresholds)
    count = len(thresholds)
    if count < 3:
        return False
    evenly = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, evenly, atol=backend.epsilon()))


def filter_top_k(values, k):
    """`values` with all but the k largest entries of the last axis set to NEG_INF."""
    _, top_indices = indexing_ops.top_k(values, k, sorted=False)
    depth = array_ops.shape(values)[-1]
    top_mask = reduction_ops.reduce_sum(
        array_ops.one_hot(top_indices, depth, dtype=values.dtype), axis=-2
    )
    return values * top_mask + NEG_INF * (1 - top_mask)


def _constant(value, dtype):
    return array_ops.constant(value, dtype=dtype)


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds the weighted true/false positive/negative counts, per threshold, to the variables.

    `variables_to_update` maps 'tp', 'fp', 'tn', 'fn' to variables of shape [num_thresholds]
    (or [num_thresholds, num_labels] when `multi_label`). A prediction is positive at a
    threshold when it is strictly greater than the threshold.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    invalid = [key for key in variables_to_update if key not in _CONFUSION_KEYS]
    if invalid or not variables_to_update:
        raise ValueError(
            f'Invalid keys: "{invalid}". Valid variable key options are: "{list(_CONFUSION_KEYS)}"'
        )
    dtype = next(iter(variables_to_update.values())).dtype
    if not multi_label:
        (y_pred, y_true), sample_weight = ragged_flat_values([y_pred, y_true], sample_weight)
    y_true = math_ops.cast(convert.convert_to_tensor(y_true), dtype)
    y_pred = math_ops.cast(convert.convert_to_tensor(y_pred), dtype)
    with_epsilon = bool(thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    num_thresholds = len(thresholds)
    if sample_weight is not None:
        sample_weight = math_ops.cast(convert.convert_to_tensor(sample_weight), dtype)
    y_pred, y_true, sample_weight = squeeze_or_expand(y_pred, y_true, sample_weight)
    if not y_pred.shape.is_compatible_with(y_true.shape):
        raise ValueError(f"Shapes {y_pred.shape} and {y_true.shape} are incompatible")
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = array_ops.expand_dims(y_true[..., class_id], -1)
        y_pred = array_ops.expand_dims(y_pred[..., class_id], -1)
    if label_weights is not None:
        label_weights = broadcast_weights(
            array_ops.expand_dims(math_ops.cast(label_weights, dtype), 0), y_pred
        )
    if sample_weight is not None:
        sample_weight = broadcast_weights(sample_weight, y_pred)
    if thresholds_distributed_evenly:
        counts = _bucketed_counts(
            y_true, y_pred, num_thresholds, sample_weight, label_weights, multi_label, with_epsilon
        )
    else:
        counts = _tiled_counts(
            y_true, y_pred, thresholds, sample_weight, label_weights, multi_label, dtype
        )
    for key, variable in variables_to_update.items():
        variable.assign_add(counts[key])


def _combined_weights(sample_weight, label_weights):
    if sample_weight is None and label_weights is None:
        return None
    if sample_weight is None:
        return label_weights
    if label_weights is None:
        return sample_weight
    return math_ops.multiply(sample_weight, label_weights)


def _bucketed_counts(
    y_true, y_pred, num_thresholds, sample_weight, label_weights, multi_label, with_epsilon
):
    """Counts for evenly spaced thresholds in one pass: each prediction falls in the bucket
    below it, and a reverse cumulative sum gives the counts above each threshold."""
    dtype = y_pred.dtype
    weights = _combined_weights(sample_weight, label_weights)
    if weights is None:
        weights = array_ops.ones_like(y_pred)
    y_pred = math_ops.clip_by_value(y_pred, _constant(0.0, dtype), _constant(1.0, dtype))
    y_true = math_ops.cast(math_ops.cast(y_true, dtypes.bool), dtype)
    if multi_label:
        # Labels on rows: one block of buckets per label.
        y_true = array_ops.transpose(y_true)
        y_pred = array_ops.transpose(y_pred)
        weights = array_ops.transpose(weights)
    else:
        y_true = array_ops.reshape(y_true, [-1])
        y_pred = array_ops.reshape(y_pred, [-1])
        weights = array_ops.reshape(weights, [-1])
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = math_ops.ceil(y_pred * (num_thresholds - 1)) - 1
    if with_epsilon:
        buckets = math_ops.maximum(buckets, _constant(0.0, dtype))
    buckets = math_ops.cast(buckets, dtypes.int32)
    if multi_label:
        num_labels = array_ops.shape(buckets)[0]
        offsets = array_ops.expand_dims(
            math_ops.range_(0, num_labels, dtype=dtypes.int32) * num_thresholds, 1
        )
        # Predictions below every threshold (bucket -1) are dropped with a negative id.
        segment_ids = math_ops.where_v2(
            buckets >= 0, buckets + offsets, -array_ops.ones_like(buckets)
        )
        total_segments = num_labels * num_thresholds

        def per_label(labels):
            sums = segment_ops.unsorted_segment_sum(
                array_ops.reshape(labels, [-1]),
                array_ops.reshape(segment_ids, [-1]),
                total_segments,
            )
            sums = array_ops.reshape(sums, [-1, num_thresholds])
            return array_ops.transpose(reduction_ops.cumsum(sums, axis=1, reverse=True))

        tp, fp = per_label(true_labels), per_label(false_labels)
        total_true = reduction_ops.reduce_sum(true_labels, axis=1)
        total_false = reduction_ops.reduce_sum(false_labels, axis=1)
    else:
        tp = reduction_ops.cumsum(
            segment_ops.unsorted_segment_sum(true_labels, buckets, num_thresholds), reverse=True
        )
        fp = reduction_ops.cumsum(
            segment_ops.unsorted_segment_sum(false_labels, buckets, num_thresholds), reverse=True
        )
        total_true = reduction_ops.reduce_sum(true_labels)
        total_false = reduction_ops.reduce_sum(false_labels)
    return {
        TRUE_POSITIVES: tp,
        FALSE_POSITIVES: fp,
        TRUE_NEGATIVES: total_false - fp,
        FALSE_NEGATIVES: total_true - tp,
    }


def _tiled_counts(y_true, y_pred, thresholds, sample_weight, label_weights, multi_label, dtype):
    """Counts for arbitrary thresholds: compares every prediction with every threshold."""
    thresholds = _constant(np.asarray(thresholds, dtype=dtype.as_numpy_dtype), dtype)
    labels = math_ops.cast(y_true, dtypes.bool)
    weights = _combined_weights(sample_weight, label_weights)
    if multi_label:
        # [T, N, L] comparisons; counts reduce over the batch axis.
        thresholds = array_ops.reshape(thresholds, [-1, 1, 1])
        predictions = array_ops.expand_dims(y_pred, 0)
        labels = array_ops.expand_dims(labels, 0)
        if weights is not None:
            weights = array_ops.expand_dims(weights, 0)
    else:
        thresholds = array_ops.reshape(thresholds, [-1, 1])
        predictions = array_ops.reshape(y_pred, [1, -1])
        labels = array_ops.reshape(labels, [1, -1])
        if weights is not None:
            weights = array_ops.reshape(weights, [1, -1])
    pred_is_pos = math_ops.greater(predictions, thresholds)
    pred_is_neg = math_ops.logical_not(pred_is_pos)
    label_is_pos = labels
    label_is_neg = math_ops.logical_not(labels)

    def weighted_count(label, pred):
        both = math_ops.cast(math_ops.logical_and(label, pred), dtype)
        if weights is not None:
            both = both * weights
        return reduction_ops.reduce_sum(both, axis=1)

    return {
        TRUE_POSITIVES: weighted_count(label_is_pos, pred_is_pos),
        FALSE_POSITIVES: weighted_count(label_is_neg, pred_is_pos),
        TRUE_NEGATIVES: weighted_count(label_is_neg, pred_is_neg),
        FALSE_NEGATIVES: weighted_count(label_is_pos, pred_is_neg),
    }


def binary_matches(y_true, y_pred, threshold=0.5):
    """1.0 where the thresholded prediction equals the label, else 0.0."""
    y_pred = convert.convert_to_tensor(y_pred)
    threshold = math_ops.cast(threshold, y_pred.dtype)
    y_pred = math_ops.cast(math_ops.greater(y_pred, threshold), y_pred.dtype)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return math_ops.cast(math_ops.equal(y_true, y_pred), backend.floatx())


def sparse_categorical_matches(y_true, y_pred):
    """1.0 where the integer label equals the argmax of the prediction, else 0.0."""
    y_pred = convert.convert_to_tensor(y_pred)
    y_true = convert.convert_to_tensor(y_true)
    original_shape = array_ops.shape(y_true)
    reshape = False
    if (
        y_true.shape.rank is not None
        and y_pred.shape.rank is not None
        and y_true.shape.rank == y_pred.shape.rank
    ):
        y_true = array_ops.squeeze(y_true, [-1])
        reshape = True
    predicted = reduction_ops.argmax(y_pred, axis=-1)
    if predicted.dtype != y_true.dtype:
        predicted = math_ops.cast(predicted, y_true.dtype)
    matches = math_ops.cast(math_ops.equal(y_true, predicted), backend.floatx())
    if reshape:
        matches = array_ops.reshape(matches, original_shape)
    return matches


def sparse_top_k_categorical_matches(y_true, y_pred, k=5):
    """1.0 where the integer label is among the k largest predictions, else 0.0."""
    y_true = convert.convert_to_tensor(y_true)
    y_pred = convert.convert_to_tensor(y_pred)
    original_shape = array_ops.shape(y_true)
    reshape = False
    if y_true.shape.rank is not None and y_pred.shape.rank is not None:
        if y_pred.shape.rank > 2:
            y_pred = array_ops.reshape(y_pred, [-1, y_pred.shape[-1]])
        if y_true.shape.rank > 1:
            reshape = True
            y_true = array_ops.reshape(y_true, [-1])
    matches = math_ops.cast(
        reduction_ops.in_top_k(
            targets=math_ops.cast(y_true, dtypes.int32), predictions=y_pred, k=k
        ),
        backend.floatx(),
    )
    if reshape:
        return array_ops.reshape(matches, original_shape)
    return matches
