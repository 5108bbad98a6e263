"""`tf.keras.layers.MultiHeadAttention`: scaled dot-product attention over several heads."""

import collections.abc
import math
import string

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.activation.softmax import Softmax
from tensorflux._src.keras.layers.core.einsum_dense import EinsumDense
from tensorflux._src.keras.layers.layer import Layer, kernel_and_bias_config
from tensorflux._src.keras.layers.regularization.dropout import Dropout
from tensorflux._src.ops import array_ops, linalg_ops, math_ops

_LETTERS = string.ascii_lowercase
_CALL_ARGUMENTS = (
    "value",
    "key",
    "attention_mask",
    "return_attention_scores",
    "training",
    "use_causal_mask",
)


def _attention_equations(rank, attention_axes):
    """The query-key product and the scores-value combination as einsum equations.

    The projected tensors are `(batch dims..., attention dims..., heads, channels)`; the scores
    are `(batch dims..., heads, query attention dims..., key attention dims...)`.
    """
    query_letters = _LETTERS[:rank]
    attended = {axis % rank for axis in attention_axes}
    batch_axes = [i for i in range(rank) if i not in attended and i != rank - 1]
    key_letters = ""
    next_letter = rank
    for i in range(rank):
        if i in batch_axes or i == rank - 1:
            key_letters += query_letters[i]
        else:
            key_letters += _LETTERS[next_letter]
            next_letter += 1
    score_letters = "".join(
        [query_letters[i] for i in batch_axes]
        + [query_letters[i] for i in attention_axes]
        + [key_letters[i] for i in attention_axes]
    )
    dot_product = f"{key_letters},{query_letters}->{score_letters}"
    combine = f"{score_letters},{key_letters}->{query_letters}"
    return dot_product, combine, len(score_letters)


def _projection_equation(free_dims, bound_dims, output_dims):
    """An einsum equation keeping `free_dims` axes, contracting `bound_dims` with the kernel
    and adding `output_dims` from it; also the bias letters and the output rank."""
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def _partial_shape(output_rank, known_last_dims):
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


class MultiHeadAttention(Layer):
    """Multi-head attention: `query` attends to `key` and combines `value` over `num_heads`
    projected heads, then projects back to the query's last dimension (or `output_shape`).

    Args:
        num_heads: the number of attention heads.
        key_dim: the size of each head for query and key.
        value_dim: the size of each head for value; defaults to `key_dim`.
        dropout: the dropout rate on the attention probabilities while training.
        use_bias: whether the projections have biases.
        output_shape: the output's trailing shape; defaults to the query's last dimension.
        attention_axes: the axes attention runs over; defaults to all but batch, heads and
            features.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        softmax_robust_masking: mask the logits by replacing them rather than by adding.

    Call arguments: `query`, `value`, `key=None` (defaults to `value`), `attention_mask`
    (boolean, `(B, T, S)`), `return_attention_scores`, `training`, `use_causal_mask`.

    >>> layer = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    >>> layer(tf.ones([1, 4, 5]), tf.ones([1, 6, 5])).shape
    TensorShape([1, 4, 5])
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        softmax_robust_masking=False,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._output_shape = output_shape
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._softmax_robust_masking = softmax_robust_masking
        if attention_axes is not None and not isinstance(attention_axes, collections.abc.Sized):
            attention_axes = (attention_axes,)
        self._attention_axes = attention_axes
        self._built_from_signature = False
        self._query_shape, self._key_shape, self._value_shape = None, None, None

    def __call__(self, *args, **kwargs):
        # Positional arguments after `query` are passed by name, so a functional model records
        # them as tf_keras does (`{"value": [layer, node, tensor]}`) and can be rebuilt.
        for name, value in zip(_CALL_ARGUMENTS, args[1:]):
            if name in kwargs:
                raise TypeError(
                    f"MultiHeadAttention.call() got multiple values for argument '{name}'"
                )
            kwargs[name] = value
        query = args[0] if args else kwargs.get("query")
        if query is not None and kwargs.get("value") is not None:
            # The projections are built here, in this layer's own name scope, so their weights
            # are named `<layer>/query/kernel:0` however the layer is first called.
            with context.name_scope(self._scope_name):
                if not self._built_from_signature:
                    self._build_from_signature(query, kwargs["value"], kwargs.get("key"))
                self._build_projections()
        return super().__call__(*args[:1], **kwargs)

    def _build_projections(self):
        heads_shape = self._query_shape[:-1].concatenate([self._num_heads, self._value_dim])
        for dense, shape in (
            (self._query_dense, self._query_shape),
            (self._key_dense, self._key_shape),
            (self._value_dense, self._value_shape),
            (self._output_dense, heads_shape),
        ):
            if not dense.built:
                dense.build_from_config({"input_shape": shape.as_list()})

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self._num_heads,
                "key_dim": self._key_dim,
                "value_dim": self._value_dim,
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
                **kernel_and_bias_config(self, private=True),
                "query_shape": self._query_shape,
                "key_shape": self._key_shape,
                "value_shape": self._value_shape,
                "softmax_robust_masking": self._softmax_robust_masking,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        query_shape = config.pop("query_shape", None)
        key_shape = config.pop("key_shape", None)
        value_shape = config.pop("value_shape", None)
        layer = cls(**config)
        if None not in (query_shape, key_shape, value_shape):
            layer._build_from_signature(query_shape, value_shape, key_shape)
        return layer

    def _build_from_signature(self, query, value, key=None):
        """Makes the projection, softmax and dropout sublayers for these input shapes."""
        self._built_from_signature = True
        self._query_shape = TensorShape(query.shape if hasattr(query, "shape") else query)
        self._value_shape = TensorShape(value.shape if hasattr(value, "shape") else value)
        if key is None:
            self._key_shape = self._value_shape
        else:
            self._key_shape = TensorShape(key.shape if hasattr(key, "shape") else key)
        with context.init_scope():
            self._query_dense = self._projection(self._query_shape.rank - 1, self._key_dim, "query")
            self._key_dense = self._projection(self._key_shape.rank - 1, self._key_dim, "key")
            self._value_dense = self._projection(
                self._value_shape.rank - 1, self._value_dim, "value"
            )
            self._build_attention(self._query_shape.rank + 1)
            self._output_dense = self._make_output_dense(
                self._query_shape.rank - 1, self._sublayer_kwargs(), "attention_output"
            )

    def _projection(self, free_dims, head_dim, name):
        equation, bias_axes, output_rank = _projection_equation(free_dims, 1, 2)
        return EinsumDense(
            equation,
            output_shape=_partial_shape(output_rank - 1, [self._num_heads, head_dim]),
            bias_axes=bias_axes if self._use_bias else None,
            name=name,
            **self._sublayer_kwargs(),
        )

    def _sublayer_kwargs(self):
        # Fresh initializer objects per sublayer, so seeded ones don't give equal kernels.
        return {
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self.activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self._dtype_policy,
            "kernel_initializer": type(self._kernel_initializer).from_config(
                self._kernel_initializer.get_config()
            ),
            "bias_initializer": type(self._bias_initializer).from_config(
                self._bias_initializer.get_config()
            ),
        }

    def _make_output_dense(self, free_dims, common_kwargs, name=None):
        """The projection from the heads back to `output_shape` (or the query's features)."""
        if self._output_shape:
            if isinstance(self._output_shape, collections.abc.Sized):
                output_shape = self._output_shape
            else:
                output_shape = [self._output_shape]
        else:
            output_shape = [self._query_shape[-1]]
        equation, bias_axes, output_rank = _projection_equation(free_dims, 2, len(output_shape))
        return EinsumDense(
            equation,
            output_shape=_partial_shape(output_rank - 1, output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name=name,
            **common_kwargs,
        )

    def _build_attention(self, rank):
        """The einsum equations, softmax and dropout for projected tensors of `rank`."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(
            rank, self._attention_axes
        )
        normalized_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(
            axis=normalized_axes,
            robust_masking=self._softmax_robust_masking,
            dtype=self._dtype_policy,
        )
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self._dtype_policy)

    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            # The mask is (batch dims..., query dims..., key dims...): insert the heads axis.
            expansion_axis = -len(self._attention_axes) * 2 - 1
            for _ in range(len(attention_scores.shape) - len(attention_mask.shape)):
                attention_mask = array_ops.expand_dims(attention_mask, axis=expansion_axis)
        return self._softmax(attention_scores, attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None):
        """Attention over projected `query` (B, T, N, H), `key` (B, S, N, H) and `value`
        (B, S, N, V): returns the combined values and the attention probabilities."""
        query = math_ops.multiply(query, 1.0 / math.sqrt(float(self._key_dim)))
        attention_scores = linalg_ops.einsum(self._dot_product_equation, key, query)
        attention_scores = self._masked_softmax(attention_scores, attention_mask)
        # Dropping whole positions to attend to, as the original Transformer does.
        dropped_scores = self._dropout_layer(attention_scores, training=training)
        attention_output = linalg_ops.einsum(self._combine_equation, dropped_scores, value)
        return attention_output, attention_scores

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if not self._built_from_signature:
            self._build_from_signature(query=query, value=value, key=key)
        if key is None:
            key = value
        attention_mask = self._compute_attention_mask(
            query, value, key=key, attention_mask=attention_mask, use_causal_mask=use_causal_mask
        )
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        attention_output, attention_scores = self._compute_attention(
            query, key, value, attention_mask, training
        )
        attention_output = self._output_dense(attention_output)
        if return_attention_scores:
            return attention_output, attention_scores
        return attention_output

    def _compute_attention_mask(
        self, query, value, key=None, attention_mask=None, use_causal_mask=False
    ):
        """Merges (logical and) the inputs' Keras masks, the causal mask and `attention_mask`
        into one `(B, T, S)` boolean mask, or None when there is none."""
        combined = None
        query_mask = getattr(query, "_keras_mask", None)
        if query_mask is not None:
            query_mask = math_ops.cast(query_mask, dtypes.bool)
            combined = array_ops.expand_dims(query_mask, -1)  # (B, T, 1)
        for mask in (getattr(value, "_keras_mask", None), getattr(key, "_keras_mask", None)):
            if mask is not None:
                mask = array_ops.expand_dims(math_ops.cast(mask, dtypes.bool), -2)  # (B, 1, S)
                combined = mask if combined is None else math_ops.logical_and(combined, mask)
        if use_causal_mask:
            mask = self._compute_causal_mask(query, value)
            combined = mask if combined is None else math_ops.logical_and(combined, mask)
        if combined is not None:
            if attention_mask is None:
                attention_mask = combined
            else:
                attention_mask = math_ops.logical_and(
                    math_ops.cast(attention_mask, dtypes.bool), combined
                )
        return attention_mask

    def _compute_causal_mask(self, query, value=None):
        """A `(1, T, S)` lower-triangular boolean mask: position i sees positions <= i."""
        query_length = array_ops.shape(query)[1]
        value_length = query_length if value is None else array_ops.shape(value)[1]
        ones = array_ops.ones(array_ops.stack([1, query_length, value_length]), dtypes.bool)
        return linalg_ops.band_part(ones, -1, 0)

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if key_shape is None:
            key_shape = value_shape
        query_shape = TensorShape(query_shape)
        value_shape = TensorShape(value_shape)
        key_shape = TensorShape(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. "
                "Received: query_shape={query_shape}, value_shape={value_shape}"
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received {value_shape} and {key_shape}"
            )
        if self._output_shape:
            return query_shape[:-1].concatenate(self._output_shape)
        return query_shape
