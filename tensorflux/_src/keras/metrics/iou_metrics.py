"""Intersection-over-union metrics for segmentation and classification (Keras 2 semantics).

A running confusion matrix is kept; IoU of a class is TP / (TP + FP + FN), averaged over the
target classes that appear at all.

>>> m = tf.keras.metrics.MeanIoU(num_classes=2, name="mean_iou_doc")
>>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
0.3333
"""

from tensorflux._src.keras.metrics import base_metric
from tensorflux._src.ops import (
    array_ops,
    indexing_ops,
    linalg_ops,
    math_ops,
    reduction_ops,
    segment_ops,
)


class _IoUBase(base_metric.Metric):
    """Accumulates the [num_classes, num_classes] confusion matrix (rows: labels)."""

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype)
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_weight(
            "total_confusion_matrix", shape=(num_classes, num_classes), initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) label/prediction pairs to the confusion matrix."""
        if not self.sparse_y_true:
            y_true = reduction_ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = reduction_ops.argmax(y_pred, axis=self.axis)
        y_true = math_ops.cast(y_true, self._dtype)
        y_pred = math_ops.cast(y_pred, self._dtype)
        if y_pred.shape.rank > 1:
            y_pred = array_ops.reshape(y_pred, [-1])
        if y_true.shape.rank > 1:
            y_true = array_ops.reshape(y_true, [-1])
        if sample_weight is not None:
            sample_weight = math_ops.cast(sample_weight, self._dtype)
            if sample_weight.shape.rank > 1:
                sample_weight = array_ops.reshape(sample_weight, [-1])
        if self.ignore_class is not None:
            ignore_class = math_ops.cast(self.ignore_class, y_true.dtype)
            valid = math_ops.not_equal(y_true, ignore_class)
            y_true = indexing_ops.boolean_mask(y_true, valid)
            y_pred = indexing_ops.boolean_mask(y_pred, valid)
            if sample_weight is not None:
                sample_weight = indexing_ops.boolean_mask(sample_weight, valid)
        current = segment_ops.confusion_matrix(
            y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self._dtype
        )
        return self.total_cm.assign_add(current)


class IoU(_IoUBase):
    """The mean IoU over `target_class_ids`.

    Args:
        num_classes: the number of classes (the confusion matrix is num_classes square).
        target_class_ids: the classes whose IoU is averaged.
        name: the metric's name.
        dtype: the dtype of the state and result.
        ignore_class: a label value left out entirely.
        sparse_y_true: labels are class indices (False: one-hot/probabilities, argmax taken).
        sparse_y_pred: predictions are class indices (False: scores, argmax taken).
        axis: the class axis for the argmax.

    >>> m = tf.keras.metrics.IoU(num_classes=2, target_class_ids=[0], name="iou_doc")
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
            dtype=dtype,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        """The IoU of each target class, averaged over those with a nonzero denominator."""
        sum_over_row = math_ops.cast(reduction_ops.reduce_sum(self.total_cm, axis=0), self._dtype)
        sum_over_col = math_ops.cast(reduction_ops.reduce_sum(self.total_cm, axis=1), self._dtype)
        true_positives = math_ops.cast(linalg_ops.tensor_diag_part(self.total_cm), self._dtype)
        denominator = sum_over_row + sum_over_col - true_positives
        true_positives = indexing_ops.gather(true_positives, self.target_class_ids)
        denominator = indexing_ops.gather(denominator, self.target_class_ids)
        num_valid = reduction_ops.reduce_sum(
            math_ops.cast(math_ops.not_equal(denominator, 0), self._dtype)
        )
        iou = math_ops.divide_no_nan(true_positives, denominator)
        return math_ops.divide_no_nan(reduction_ops.reduce_sum(iou), num_valid)

    def get_config(self):
        config = {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {**super().get_config(), **config}


class BinaryIoU(IoU):
    """IoU of binary labels against predictions thresholded at `threshold` (>= counts as 1).

    Args:
        target_class_ids: which of the classes 0 and 1 are averaged.
        threshold: predictions at or above it count as class 1.
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.BinaryIoU(target_class_ids=[0, 1], name="binary_iou_doc")
    >>> round(float(m([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])), 4)
    0.5833
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Thresholds the predictions, then adds the pairs to the confusion matrix."""
        y_pred = math_ops.cast(y_pred, self._dtype)
        y_pred = math_ops.cast(y_pred >= self.threshold, self._dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self._dtype,
        }


class MeanIoU(IoU):
    """The IoU averaged over all `num_classes` classes.

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the state and result.
        ignore_class: a label value left out entirely.
        sparse_y_true: labels are class indices (False: argmax taken).
        sparse_y_pred: predictions are class indices (False: argmax taken).
        axis: the class axis for the argmax.

    >>> m = tf.keras.metrics.MeanIoU(num_classes=2, name="mean_iou_doc2")
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])), 4)
    0.2381
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            axis=axis,
            dtype=dtype,
            target_class_ids=list(range(num_classes)),
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """IoU over `target_class_ids` for one-hot labels (argmax taken) and score predictions.

    >>> m = tf.keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2], name="ohiou_doc")
    >>> y_true = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]
    >>> y_pred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]
    >>> round(float(m(y_true, y_pred)), 4)
    0.1667
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """The IoU averaged over all classes, for one-hot labels and score predictions.

    >>> m = tf.keras.metrics.OneHotMeanIoU(num_classes=3, name="ohmiou_doc")
    >>> y_true = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]
    >>> y_pred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]
    >>> round(float(m(y_true, y_pred)), 4)
    0.1111
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            axis=axis,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
