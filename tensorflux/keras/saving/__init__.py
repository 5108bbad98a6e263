"""tf.keras.saving: model files and the registry of custom objects."""

from tensorflux._src.keras.saving.object_registration import (
    custom_object_scope as custom_object_scope,
)
from tensorflux._src.keras.saving.object_registration import (
    get_custom_objects as get_custom_objects,
)
from tensorflux._src.keras.saving.object_registration import (
    get_registered_name as get_registered_name,
)
from tensorflux._src.keras.saving.object_registration import (
    get_registered_object as get_registered_object,
)
from tensorflux._src.keras.saving.object_registration import (
    register_keras_serializable as register_keras_serializable,
)
from tensorflux._src.keras.saving.save import load_model as load_model
from tensorflux._src.keras.saving.save import save_model as save_model
from tensorflux._src.keras.saving.serialization_lib import (
    deserialize_keras_object as deserialize_keras_object,
)
from tensorflux._src.keras.saving.serialization_lib import (
    serialize_keras_object as serialize_keras_object,
)
