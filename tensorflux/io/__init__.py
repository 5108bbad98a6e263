"""tf.io: reading and writing data (file formats land with the tf.data issue)."""

from tensorflux._src.ops.string_ops import decode_base64 as decode_base64
from tensorflux._src.ops.string_ops import encode_base64 as encode_base64
