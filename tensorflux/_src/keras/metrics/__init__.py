"""tf.keras.metrics (Keras 2 semantics): the metric classes and functions, and `get`,
`serialize`, `deserialize`.

`compile(metrics=["accuracy"])` does not use `get("accuracy")` alone: tf_keras picks binary,
sparse categorical or categorical accuracy (and likewise for "crossentropy") from the shapes
of the labels and outputs; `get_accuracy_for` and `metric_object_for` do that here.

>>> get("acc") is accuracy
True
"""

import warnings

from tensorflux._src.keras.layers.layer import to_snake_case
from tensorflux._src.keras.losses import (
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from tensorflux._src.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from tensorflux._src.keras.metrics.base_metric import (
    Mean,
    MeanMetricWrapper,
    MeanTensor,
    Metric,
    Reduce,
    Sum,
    SumOverBatchSize,
    SumOverBatchSizeMetricWrapper,
)
from tensorflux._src.keras.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from tensorflux._src.keras.metrics.f_score_metrics import F1Score, FBetaScore
from tensorflux._src.keras.metrics.iou_metrics import (
    BinaryIoU,
    IoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)
from tensorflux._src.keras.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from tensorflux._src.keras.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanRelativeError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
)

acc = ACC = accuracy
bce = BCE = binary_crossentropy
cosine_proximity = cosine_similarity

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Metric,
        Reduce,
        Sum,
        Mean,
        SumOverBatchSize,
        SumOverBatchSizeMetricWrapper,
        MeanMetricWrapper,
        MeanTensor,
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        TopKCategoricalAccuracy,
        SparseTopKCategoricalAccuracy,
        TruePositives,
        TrueNegatives,
        FalsePositives,
        FalseNegatives,
        Precision,
        Recall,
        AUC,
        PrecisionAtRecall,
        RecallAtPrecision,
        SensitivityAtSpecificity,
        SpecificityAtSensitivity,
        MeanSquaredError,
        RootMeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        MeanRelativeError,
        CosineSimilarity,
        LogCoshError,
        R2Score,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        KLDivergence,
        Poisson,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        IoU,
        MeanIoU,
        BinaryIoU,
        OneHotIoU,
        OneHotMeanIoU,
        FBetaScore,
        F1Score,
    )
}

_FUNCTIONS = {
    "accuracy": accuracy,
    "acc": acc,
    "ACC": ACC,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
    "kullback_leibler_divergence": kullback_leibler_divergence,
    "poisson": poisson,
    "log_cosh": log_cosh,
    "logcosh": logcosh,
    "mean_squared_error": mean_squared_error,
    "mse": mse,
    "MSE": MSE,
    "mean_absolute_error": mean_absolute_error,
    "mae": mae,
    "MAE": MAE,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mape,
    "MAPE": MAPE,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": msle,
    "MSLE": MSLE,
    "cosine_similarity": cosine_similarity,
    "cosine_proximity": cosine_proximity,
}


def _serialize_value(value):
    if callable(value) and not isinstance(value, type) and hasattr(value, "__name__"):
        return {
            "module": "builtins",
            "class_name": "function",
            "config": value.__name__,
            "registered_name": "function",
        }
    return value


def serialize(metric, use_legacy_format=False):
    """A `Metric` as tf_keras serializes it ({'module', 'class_name', 'config',
    'registered_name'}); a metric function as a 'function' entry, with a warning.

    >>> serialize(AUC(name="auc_serialize_doc"))["class_name"]
    'AUC'
    """
    if metric is None:
        return None
    if not isinstance(metric, Metric):
        warnings.warn(
            "The `keras.metrics.serialize()` API should only be used for objects of type "
            f"`keras.metrics.Metric`. Found an instance of type {type(metric)}, which may lead "
            "to improper serialization.",
            stacklevel=2,
        )
        if use_legacy_format:
            return getattr(metric, "__name__", None)
        return _serialize_value(metric)
    config = {key: _serialize_value(value) for key, value in metric.get_config().items()}
    if use_legacy_format:
        return {"class_name": type(metric).__name__, "config": config}
    builtin = type(metric).__name__ in _CLASSES and _CLASSES[type(metric).__name__] is type(metric)
    return {
        "module": "keras.metrics" if builtin else type(metric).__module__,
        "class_name": type(metric).__name__,
        "config": config,
        "registered_name": None if builtin else type(metric).__name__,
    }


# Names tf_keras's lookup finds but cannot resolve to a function.
_UNLOCATABLE = frozenset(("bce", "BCE"))


def _lookup(name, custom_objects):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CLASSES:
        return _CLASSES[name]
    return _FUNCTIONS.get(name)


def deserialize(config, custom_objects=None, use_legacy_format=False):
    """A metric function or `Metric` from a name or a serialized dict.

    A class name gives a new instance with default arguments; a name that names nothing is
    returned unchanged, as tf_keras does (compile resolves 'accuracy'-style names itself).

    >>> deserialize("mse") is mean_squared_error
    True
    """
    if isinstance(config, str):
        if config in _UNLOCATABLE:
            raise TypeError(
                f"Could not locate function '{config}'. Make sure custom classes are decorated "
                "with `@keras.saving.register_keras_serializable()`. Full object config: "
                f"{{'module': 'keras.metrics', 'class_name': 'function', 'config': '{config}', "
                f"'registered_name': '{config}'}}"
            )
        found = _lookup(config, custom_objects)
        if found is None:
            return config
        return found.from_config({}) if isinstance(found, type) else found
    if not isinstance(config, dict):
        raise ValueError(f"Could not interpret serialized metric function: {config}")
    class_name = config.get("class_name")
    inner = config.get("config")
    if class_name == "function":
        found = _lookup(inner, custom_objects)
        if found is None:
            raise TypeError(
                f"Could not locate function '{inner}'. Make sure custom classes are decorated "
                "with `@keras.saving.register_keras_serializable()`. Full object config: "
                f"{config}"
            )
        return found
    cls = _lookup(class_name, custom_objects)
    if not isinstance(cls, type):
        raise ValueError(
            f"Unknown metric function: '{class_name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope."
        )
    inner = dict(inner or {})
    for key, value in inner.items():
        if isinstance(value, dict) and value.get("class_name") == "function":
            inner[key] = deserialize(value, custom_objects)
    return cls.from_config(inner)


def get(identifier):
    """A metric from a name (function or class name), a config dict or a callable.

    >>> get("CategoricalCrossentropy").name
    'categorical_crossentropy'
    """
    if isinstance(identifier, dict):
        return deserialize(identifier, use_legacy_format="module" not in identifier)
    if isinstance(identifier, str):
        return deserialize(str(identifier))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


def _shape_list(shape):
    from tensorflux._src.core.shape import TensorShape

    return TensorShape(shape).as_list()


def get_accuracy_for(y_true_shape, y_pred_shape, name="accuracy"):
    """The function `compile` uses for the metric string 'accuracy'/'acc' (or, with
    `name='crossentropy'`/'ce', the cross-entropy), chosen from the shapes as tf_keras does:

    - binary when the output's last dimension is 1;
    - else sparse categorical when the labels have a lower rank than the outputs, or their
      last dimension is 1 while the output's is larger;
    - else categorical.

    The loss plays no part in the choice.

    >>> get_accuracy_for((None, 1), (None, 5)) is sparse_categorical_accuracy
    True
    """
    true_dims = _shape_list(y_true_shape)
    pred_dims = _shape_list(y_pred_shape)
    true_last = true_dims[-1] if true_dims else None
    pred_last = pred_dims[-1] if pred_dims else None
    is_binary = pred_last == 1
    is_sparse = len(true_dims) < len(pred_dims) or (
        true_last == 1 and pred_last is not None and pred_last > 1
    )
    if str(name).lower() in ("accuracy", "acc"):
        if is_binary:
            return binary_accuracy
        return sparse_categorical_accuracy if is_sparse else categorical_accuracy
    if is_binary:
        return binary_crossentropy
    return sparse_categorical_crossentropy if is_sparse else categorical_crossentropy


def metric_object_for(metric, y_true_shape, y_pred_shape):
    """The `Metric` that `compile(metrics=[metric])` tracks for one output: 'accuracy', 'acc',
    'crossentropy' and 'ce' are resolved by `get_accuracy_for`, other names by `get`; a
    function or `Loss` is wrapped in a `MeanMetricWrapper` named after it (the string itself
    for strings). None stays None.

    >>> metric_object_for("acc", (None, 1), (None, 1)).name
    'acc'
    """
    if metric is None:
        return None
    if str(metric).lower() in ("accuracy", "acc", "crossentropy", "ce"):
        metric_fn = get_accuracy_for(y_true_shape, y_pred_shape, str(metric).lower())
    else:
        metric_fn = get(metric)
    if isinstance(metric_fn, Metric):
        return metric_fn
    if isinstance(metric, str):
        name = metric
    elif hasattr(metric, "name"):
        name = metric.name
    elif hasattr(metric, "__name__"):
        name = metric.__name__
    else:
        name = to_snake_case(type(metric).__name__)
    if not callable(metric_fn):
        raise ValueError(f"Metric should be a callable, received: {metric}")
    return MeanMetricWrapper(metric_fn, name=name)


__all__ = [
    "ACC",
    "AUC",
    "BCE",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanRelativeError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "MeanTensor",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "Reduce",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "SumOverBatchSize",
    "SumOverBatchSizeMetricWrapper",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "acc",
    "accuracy",
    "bce",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_proximity",
    "cosine_similarity",
    "deserialize",
    "get",
    "get_accuracy_for",
    "hinge",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "metric_object_for",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]
