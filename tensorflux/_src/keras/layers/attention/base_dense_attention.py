"""The shared base of `Attention` and `AdditiveAttention`: masking, softmax, dropout."""

from tensorflux._src.core import convert, dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.regularization.random_utils import in_train_phase
from tensorflux._src.ops import array_ops, linalg_ops, math_ops, nn_ops


class BaseDenseAttention(Layer):
    """Attention of `query` over `value` (keyed by `key`, default `value`) with the
    `(batch, Tq, Tv)` scores of the subclass's `_calculate_scores(query, key)`; called on `[query, value]` or `[query, value, key]`.

    Args:
        dropout: the dropout rate on the attention probabilities while training.
    """

    def __init__(self, dropout=0.0, **kwargs):
        # `causal` is the old spelling of the call argument `use_causal_mask`.
        self.causal = kwargs.pop("causal", False)
        super().__init__(**kwargs)
        self.dropout = dropout
        self.supports_masking = True

    def _apply_scores(self, scores, value, scores_mask=None, training=None):
        """The softmax of the masked scores, applied to `value`: (outputs, probabilities)."""
        if scores_mask is not None:
            padding = math_ops.cast(math_ops.logical_not(scores_mask), scores.dtype)
            # A penalty the dtype can hold, large enough to zero the masked probabilities.
            penalty = 65504.0 if scores.dtype == dtypes.float16 else 1.0e9
            scores = math_ops.subtract(scores, math_ops.multiply(penalty, padding))
        weights = nn_ops.softmax(scores)
        if self.dropout > 0:
            probabilities = weights
            weights = in_train_phase(
                lambda: nn_ops.dropout(probabilities, rate=self.dropout),
                lambda: array_ops.identity(probabilities),
                training,
            )
        return linalg_ops.matmul(weights, value), weights

    def call(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_call_args(inputs=inputs, mask=mask)
        query = inputs[0]
        value = inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query=query, key=key)
        scores_mask = None
        if value_mask is not None:
            scores_mask = array_ops.expand_dims(value_mask, axis=-2)  # (batch, 1, Tv)
        if self.causal or use_causal_mask:
            causal_mask = _lower_triangular_mask(array_ops.shape(scores))
            scores_mask = (
                causal_mask
                if scores_mask is None
                else math_ops.logical_and(scores_mask, causal_mask)
            )
        result, attention_scores = self._apply_scores(
            scores=scores, value=value, scores_mask=scores_mask, training=training
        )
        if query_mask is not None:
            keep = math_ops.cast(array_ops.expand_dims(query_mask, axis=-1), result.dtype)
            result = math_ops.multiply(result, keep)
        if return_attention_scores:
            return result, attention_scores
        return result

    def compute_mask(self, inputs, mask=None):
        self._validate_call_args(inputs=inputs, mask=mask)
        if mask:
            query_mask = mask[0]
            if query_mask is None:
                return None
            return convert.convert_to_tensor(query_mask)
        return None

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape[0])

    def _validate_call_args(self, inputs, mask):
        class_name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{class_name} layer must be called on a list of inputs, namely [query, value] "
                f"or [query, value, key]. Received: {inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(
                f"{class_name} layer accepts inputs list of length 2 or 3, namely [query, "
                f"value] or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{class_name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: {mask}."
                )
            if len(mask) < 2 or len(mask) > len(inputs):
                raise ValueError(
                    f"{class_name} layer mask must be a list of length 2, namely [query_mask, "
                    f"value_mask]. Received length: {len(mask)}."
                )

    def get_config(self):
        config = super().get_config()
        config["dropout"] = self.dropout
        return config


def _lower_triangular_mask(scores_shape):
    """A boolean mask, broadcastable to the scores, true where column <= row."""
    rows = scores_shape[-2]
    columns = scores_shape[-1]
    ones = array_ops.ones(array_ops.stack([rows, columns]), dtypes.bool)
    return linalg_ops.band_part(ones, -1, 0)
