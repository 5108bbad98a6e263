"""`tf.keras.layers.RandomHeight`: resizes images to a random height in training."""

from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_random_side import RandomSideResize


class RandomHeight(RandomSideResize):
    """In training, resizes the batch's height by a random factor from `[1 + lower, 1 + upper]`
    (one factor per call); the other side keeps its size.

    Args:
        factor: a float `f` (factors in [1 - f, 1 + f]) or a pair `(lower, upper)`, above -1.
        interpolation: a `tf.image.resize` method name.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomHeight((0.5, 0.5), seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 6, 4, 3])
    """

    _axis = image_utils.H_AXIS
