"""Dropout masks shared by the recurrent cells: one mask per sequence, as tf_keras draws."""

from tensorflux._src.ops import array_ops, nn_ops


class DropoutRNNCellMixin:
    """Caches the input and recurrent dropout masks so every time step of a sequence uses the
    same ones; `RNN` clears them before each sequence."""

    def _init_dropout_masks(self):
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _draw_dropout_masks(self, step_input, states):
        count = self._dropout_mask_count
        self.get_dropout_mask_for_cell(step_input, True, count)
        self.get_recurrent_dropout_mask_for_cell(states[0], True, count)

    def get_dropout_mask_for_cell(self, inputs, training, count=1):
        if self.dropout == 0 or not training:
            return None
        if self._dropout_mask is None:
            self._dropout_mask = _masks(inputs, self.dropout, count)
        return self._dropout_mask

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count=1):
        if self.recurrent_dropout == 0 or not training:
            return None
        if self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = _masks(inputs, self.recurrent_dropout, count)
        return self._recurrent_dropout_mask


def _masks(inputs, rate, count):
    ones = array_ops.ones_like(inputs)
    return [nn_ops.dropout(ones, rate) for _ in range(count)]
