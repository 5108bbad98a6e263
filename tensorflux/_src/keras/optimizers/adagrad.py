"""Adagrad: per-coordinate learning rates scaled by the accumulated squared gradients."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import array_ops, indexing_ops, math_ops


class Adagrad(optimizer.Optimizer):
    """Adagrad: per-coordinate learning rates scaled by the accumulated squared gradients.

    >>> opt = tf.keras.optimizers.Adagrad(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> round(float(v[0]), 4)
    0.9047
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-07,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Adagrad",
        **kwargs,
    ):
        super().__init__(
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            jit_compile=jit_compile,
            **kwargs,
        )
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._accumulators = [
            self.add_variable_from_reference(
                v,
                "accumulator",
                initial_value=array_ops.fill(
                    array_ops.shape(v), math_ops.cast(self.initial_accumulator_value, v.dtype)
                ),
            )
            for v in var_list
        ]
        self._built = True

    def update_step(self, gradient, variable):
        lr = math_ops.cast(self.learning_rate, variable.dtype)
        accumulator = self._slot(self._accumulators, variable)
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            accumulator.scatter_add(IndexedSlices(gradient.values * gradient.values, indices))
            accumulated_rows = indexing_ops.gather(accumulator, indices)
            denominator_rows = math_ops.sqrt(accumulated_rows + self.epsilon)
            variable.scatter_add(IndexedSlices(-lr * gradient.values / denominator_rows, indices))
        else:
            accumulator.assign_add(gradient * gradient)
            variable.assign_sub(lr * gradient / math_ops.sqrt(accumulator + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
