"""`tf.keras.layers.Embedding`: maps integer ids to dense vectors."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import math_ops, nn_ops


class Embedding(Layer):
    """Looks up row `i` of an `(input_dim, output_dim)` table for each id `i` of the input.

    Args:
        input_dim: the vocabulary size (the largest id plus one).
        output_dim: the size of each vector.
        embeddings_initializer: how the table starts ('uniform': U(-0.05, 0.05)).
        embeddings_regularizer, activity_regularizer, embeddings_constraint: as in `Dense`.
        mask_zero: id 0 is padding: the layer outputs the mask `inputs != 0`.
        input_length: the length of the input sequences, when it is fixed (an int, or a list
            of ints for several axes).

    >>> layer = tf.keras.layers.Embedding(10, 3)
    >>> layer(tf.constant([[1, 2, 3]])).shape
    TensorShape([1, 3, 3])
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        activity_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        input_length=None,
        **kwargs,
    ):
        if "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,) if input_length else (None,)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(
                "Both `input_dim` and `output_dim` should be positive, Received input_dim = "
                f"{input_dim} and output_dim = {output_dim}"
            )
        # Ids must not be cast to the compute dtype.
        kwargs["autocast"] = False
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.input_length = input_length

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            experimental_autocast=False,
        )
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return math_ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        if self.input_length is None:
            return TensorShape([*dims, self.output_dim])
        lengths = (
            list(self.input_length)
            if isinstance(self.input_length, (list, tuple))
            else [self.input_length]
        )
        error = ValueError(
            f'"input_length" is {self.input_length}, but received input has shape {tuple(dims)}'
        )
        if len(lengths) != len(dims) - 1:
            raise error
        for index, (length, dim) in enumerate(zip(lengths, dims[1:])):
            if length is not None and dim is not None and length != dim:
                raise error
            if length is None:
                lengths[index] = dim
        return TensorShape([dims[0], *lengths, self.output_dim])

    def call(self, inputs):
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = math_ops.cast(inputs, "int32")
        outputs = nn_ops.embedding_lookup(self.embeddings, inputs)
        policy = self._dtype_policy
        if policy.compute_dtype != policy.variable_dtype:
            outputs = math_ops.cast(outputs, policy.compute_dtype)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "input_length": self.input_length,
            }
        )
        return config
