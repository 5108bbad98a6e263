"""tf.keras.preprocessing.image: image file and array helpers (Pillow for files)."""

from tensorflux._src.keras.utils.image_utils import array_to_img as array_to_img
from tensorflux._src.keras.utils.image_utils import img_to_array as img_to_array
from tensorflux._src.keras.utils.image_utils import load_img as load_img
from tensorflux._src.keras.utils.image_utils import save_img as save_img
from tensorflux._src.keras.utils.image_utils import smart_resize as smart_resize
