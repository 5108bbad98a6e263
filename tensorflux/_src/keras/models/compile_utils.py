"""What `compile(loss=..., metrics=...)` becomes: `compiled_loss` and `compiled_metrics`.

Both match what they were given (one object, a list per output, a dict by output name) to the
model's outputs the first time they see predictions, as tf_keras's containers do.
`compiled_loss(y_true, y_pred, sample_weight, regularization_losses)` returns the total loss
and keeps the running 'loss' (and per-output '<name>_loss') means.
"""

from __future__ import annotations

from tensorflux._src.core import convert, nest
from tensorflux._src.keras import losses as losses_mod
from tensorflux._src.ops import array_ops, math_ops


def _metrics_module():
    from tensorflux._src.keras import metrics

    return metrics


def _mean(name):
    from tensorflux._src.keras.metrics import base_metric

    return base_metric.Mean(name=name)


def map_to_output_names(y_pred, output_names, struct):
    """`struct` (a dict keyed by output name) as a list in output order; else unchanged."""
    single_output = not nest.is_nested(y_pred)
    outputs_are_flat_list = (
        not single_output
        and isinstance(y_pred, (list, tuple))
        and not any(nest.is_nested(y) for y in y_pred)
    )
    if (single_output or outputs_are_flat_list) and isinstance(struct, dict):
        output_names = output_names or _default_names(y_pred)
        unknown = [k for k in struct if k not in output_names]
        if unknown:
            raise ValueError(
                f"Found unexpected losses or metrics that do not correspond to any Model output: "
                f"{unknown}. Valid mode output names: {output_names}. Received struct is: "
                f"{struct}."
            )
        return [struct.get(name) for name in output_names]
    return struct


def _dict_outputs_as_lists(container, y_true, y_pred, sample_weight):
    """A model with a dict of outputs: predictions, targets and weights as lists in the order
    of its sorted output names (nest.flatten's order), which also become the output names."""
    if not isinstance(y_pred, dict):
        return y_true, y_pred, sample_weight
    names = sorted(y_pred)
    container._output_names = names

    def as_list(struct):
        if isinstance(struct, dict):
            unknown = [k for k in struct if k not in y_pred]
            if unknown:
                raise ValueError(
                    f"Found unexpected keys that do not correspond to any Model output: "
                    f"{unknown}. Expected: {names}"
                )
            return [struct.get(name) for name in names]
        return struct

    return as_list(y_true), [y_pred[n] for n in names], as_list(sample_weight)


def _default_names(y_pred):
    return [f"output_{i + 1}" for i in range(len(nest.flatten(y_pred)))]


class LossesContainer:
    """Computes the compiled loss over the model's outputs, with weights and regularization."""

    def __init__(self, losses, loss_weights=None, output_names=None, total_loss_mean=None):
        self._user_losses = losses
        self._user_loss_weights = loss_weights
        self._losses = losses
        self._loss_weights = loss_weights
        self._output_names = output_names
        self._built = False
        self._loss_metric = total_loss_mean or _mean("loss")
        self._per_output_metrics = None

    @property
    def metrics(self) -> list:
        if not self._built:
            return []
        per_output = [m for m in (self._per_output_metrics or []) if m is not None]
        return [self._loss_metric, *per_output]

    def build(self, y_pred):
        """Matches the losses and loss weights to the outputs."""
        losses = map_to_output_names(y_pred, self._output_names, self._losses)
        losses = _conform_to_outputs(y_pred, losses)
        self._losses = nest.map_structure(_get_loss_object, losses)
        if not nest.is_nested(self._losses):  # one loss for every output, as tf_keras does
            self._losses = [self._losses] * len(nest.flatten(y_pred))
        else:
            self._losses = nest.flatten(self._losses)
        weights = map_to_output_names(y_pred, self._output_names, self._loss_weights)
        if weights is None:
            weights = [None] * len(self._losses)
        elif not isinstance(weights, (list, tuple)):
            weights = [weights]
        self._loss_weights = list(weights)
        if len(self._losses) > 1:
            names = self._output_names or _default_names(y_pred)
            self._per_output_metrics = [
                _mean(f"{name}_loss") if loss is not None else None
                for name, loss in zip(names, self._losses)
            ]
        else:
            self._per_output_metrics = [None]
        self._built = True

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        y_true, y_pred, sample_weight = _dict_outputs_as_lists(self, y_true, y_pred, sample_weight)
        y_true = self._conform_to_outputs(y_pred, y_true)
        sample_weight = self._conform_to_outputs(y_pred, sample_weight)
        if not self._built:
            self.build(y_pred)
        flat_pred = nest.flatten(y_pred)
        flat_true = nest.flatten(y_true) if y_true is not None else [None] * len(flat_pred)
        flat_weights = (
            nest.flatten(sample_weight) if sample_weight is not None else [None] * len(flat_pred)
        )
        if len(flat_weights) == 1 and len(flat_pred) > 1:
            flat_weights = flat_weights * len(flat_pred)
        total_losses, metric_values = [], []
        batch_dim = None
        for index, (loss_obj, pred) in enumerate(zip(self._losses, flat_pred)):
            if loss_obj is None:
                continue
            target = flat_true[index] if index < len(flat_true) else None
            if target is None:
                continue
            weight = flat_weights[index] if index < len(flat_weights) else None
            target, pred, weight = match_dtype_and_rank(
                _as_tensor(target), pred, _as_tensor(weight)
            )
            loss_value = loss_obj(target, pred, sample_weight=weight)
            if batch_dim is None:
                batch_dim = math_ops.cast(_batch_size(pred), "float32")
            metric = self._per_output_metrics[index]
            if metric is not None:
                metric.update_state(loss_value, sample_weight=batch_dim)
            loss_weight = self._loss_weights[index] if index < len(self._loss_weights) else None
            if loss_weight is not None:
                loss_value = loss_value * loss_weight
            total_losses.append(loss_value)
            metric_values.append(loss_value)
        if regularization_losses:
            regularization = math_ops.add_n(
                [math_ops.cast(r, "float32") for r in regularization_losses]
            )
            total_losses.append(regularization)
            metric_values.append(regularization)
        if not total_losses:
            if y_true is None or all(t is None for t in flat_true):
                return None
            return math_ops.cast(0.0, "float32")
        total_loss = math_ops.add_n([math_ops.cast(t, "float32") for t in total_losses])
        metric_total = math_ops.add_n([math_ops.cast(t, "float32") for t in metric_values])
        if batch_dim is None:
            batch_dim = math_ops.cast(_batch_size(flat_pred[0]), "float32")
        self._loss_metric.update_state(metric_total, sample_weight=batch_dim)
        return total_loss

    def _conform_to_outputs(self, outputs, struct):
        struct = map_to_output_names(outputs, self._output_names, struct)
        return _conform_to_outputs(outputs, struct)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def get_config(self):
        return self._user_losses


class MetricsContainer:
    """Updates the compiled metrics (and weighted metrics) of every output."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self._metrics = metrics
        self._weighted_metrics = weighted_metrics
        self._output_names = output_names
        self._built = False

    @property
    def metrics(self) -> list:
        if not self._built:
            return []
        seen, result = set(), []
        for metric in nest.flatten(self._metrics) + nest.flatten(self._weighted_metrics):
            if metric is not None and id(metric) not in seen:
                seen.add(id(metric))
                result.append(metric)
        return result

    def build(self, y_pred, y_true):
        self._metrics = self._build_structure(self._metrics, y_pred, y_true, weighted=False)
        self._weighted_metrics = self._build_structure(
            self._weighted_metrics, y_pred, y_true, weighted=True
        )
        self._built = True

    def _build_structure(self, metrics, y_pred, y_true, weighted):
        flat_pred = nest.flatten(y_pred)
        count = len(flat_pred)
        metrics = map_to_output_names(y_pred, self._output_names, metrics)
        if metrics is None:
            return [[] for _ in range(count)]
        if not isinstance(metrics, (list, tuple)):
            metrics = [metrics]
        if (
            count > 1
            and len(metrics) == count
            and all(isinstance(m, (list, tuple)) or m is None for m in metrics)
        ):
            per_output = [list(m) if m is not None else [] for m in metrics]
        elif count > 1 and isinstance(self._user_metrics_structure(weighted), dict):
            per_output = [[m] if not isinstance(m, (list, tuple)) else list(m) for m in metrics]
            per_output = [[x for x in m if x is not None] for m in per_output]
        else:
            per_output = [list(metrics) for _ in range(count)]
        flat_true = nest.flatten(y_true) if y_true is not None else [None] * count
        names = self._output_names or _default_names(y_pred)
        built = []
        for index, output_metrics in enumerate(per_output):
            objects = []
            for metric in output_metrics:
                target = flat_true[index] if index < len(flat_true) else None
                metric_obj = _get_metric_object(metric, target, flat_pred[index])
                if count > 1:
                    metric_obj._name = f"{names[index]}_{metric_obj.name}"
                if (
                    weighted
                    and not metric_obj.name.startswith("weighted_")
                    and (
                        self._user_metrics is not None
                        and _has_same_name(metric, self._user_metrics)
                    )
                ):
                    metric_obj._name = f"weighted_{metric_obj.name}"
                objects.append(metric_obj)
            built.append(objects)
        return built

    def _user_metrics_structure(self, weighted):
        return self._user_weighted_metrics if weighted else self._user_metrics

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, sample_weight = _dict_outputs_as_lists(self, y_true, y_pred, sample_weight)
        y_true = _conform_to_outputs(
            y_pred, map_to_output_names(y_pred, self._output_names, y_true)
        )
        sample_weight = _conform_to_outputs(
            y_pred, map_to_output_names(y_pred, self._output_names, sample_weight)
        )
        if not self._built:
            self.build(y_pred, y_true)
        flat_pred = nest.flatten(y_pred)
        flat_true = nest.flatten(y_true) if y_true is not None else [None] * len(flat_pred)
        flat_weights = (
            nest.flatten(sample_weight) if sample_weight is not None else [None] * len(flat_pred)
        )
        if len(flat_weights) == 1 and len(flat_pred) > 1:
            flat_weights = flat_weights * len(flat_pred)
        for index, pred in enumerate(flat_pred):
            target = flat_true[index] if index < len(flat_true) else None
            if target is None:
                continue
            weight = flat_weights[index] if index < len(flat_weights) else None
            target, pred, weight = match_dtype_and_rank(
                _as_tensor(target), pred, _as_tensor(weight)
            )
            for metric in self._metrics[index]:
                metric.update_state(target, pred)
            for metric in self._weighted_metrics[index]:
                metric.update_state(target, pred, sample_weight=weight)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()


def _has_same_name(metric, user_metrics) -> bool:
    name = metric if isinstance(metric, str) else getattr(metric, "name", None)
    for other in nest.flatten(user_metrics):
        other_name = other if isinstance(other, str) else getattr(other, "name", None)
        if other_name == name:
            return True
    return False


def match_dtype_and_rank(y_true, y_pred, sample_weight):
    """Rank-1 targets (and weights) of rank-2 predictions get a last axis; targets take the
    prediction's dtype when both are floating or both are integers (tf_keras's matching)."""
    if y_true.shape.rank == 1 and y_pred.shape.rank == 2:
        y_true = array_ops.expand_dims(y_true, -1)
    if sample_weight is not None and sample_weight.shape.rank == 1 and y_pred.shape.rank == 2:
        sample_weight = array_ops.expand_dims(sample_weight, -1)
    both_floating = y_true.dtype.is_floating and y_pred.dtype.is_floating
    both_integer = y_true.dtype.is_integer and y_pred.dtype.is_integer
    if (both_floating or both_integer) and y_true.dtype is not y_pred.dtype:
        y_true = math_ops.cast(y_true, y_pred.dtype)
    if sample_weight is not None and sample_weight.dtype is not y_pred.dtype:
        sample_weight = math_ops.cast(sample_weight, y_pred.dtype)
    return y_true, y_pred, sample_weight


def _as_tensor(value):
    return None if value is None else convert.convert_to_tensor(value)


def _conform_to_outputs(outputs, struct):
    """A single-element list for a single output is unwrapped (tf_keras's convenience)."""
    single_output = struct is not None and not nest.is_nested(outputs)
    if single_output and isinstance(struct, (list, tuple)) and len(struct) == 1:
        return struct[0]
    return struct


def _batch_size(tensor):
    return array_ops.shape(tensor)[0] if tensor.shape.rank else 1


def _get_loss_object(loss):
    if loss is None:
        return None
    loss = losses_mod.get(loss)
    if not isinstance(loss, losses_mod.Loss):
        name = getattr(loss, "__name__", None) or type(loss).__name__
        loss = losses_mod.LossFunctionWrapper(loss, name=name)
    return loss


def _get_metric_object(metric, y_true, y_pred):
    """A Metric for `metric`, resolving 'accuracy' and 'crossentropy' by the shapes (and the
    loss) as tf_keras does: binary when the prediction has one unit, sparse when the target
    has a lower rank or a last axis of 1."""
    metrics = _metrics_module()
    if metric is None:
        return None
    if isinstance(metric, metrics.Metric):
        return metric
    if isinstance(metric, str) and metric in ("accuracy", "acc", "crossentropy", "ce"):
        y_p_last = y_pred.shape[-1] if y_pred.shape.rank else None
        y_t_rank = y_true.shape.rank if y_true is not None else None
        y_t_last = y_true.shape[-1] if y_true is not None and y_true.shape.rank else None
        y_p_rank = y_pred.shape.rank
        is_binary = y_p_last == 1
        is_sparse = (
            y_t_rank is not None
            and y_p_rank is not None
            and (y_t_rank < y_p_rank or (y_t_last == 1 and y_p_last != 1))
        )
        if metric in ("accuracy", "acc"):
            if is_binary:
                function = metrics.binary_accuracy
            elif is_sparse:
                function = metrics.sparse_categorical_accuracy
            else:
                function = metrics.categorical_accuracy
        elif is_binary:
            function = metrics.binary_crossentropy
        elif is_sparse:
            function = metrics.sparse_categorical_crossentropy
        else:
            function = metrics.categorical_crossentropy
        return metrics.MeanMetricWrapper(function, name=metric)
    metric_obj = metrics.get(metric)
    if isinstance(metric_obj, metrics.Metric):
        return metric_obj
    name = metric if isinstance(metric, str) else getattr(metric_obj, "__name__", "metric")
    return metrics.MeanMetricWrapper(metric_obj, name=name)
