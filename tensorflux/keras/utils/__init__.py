"""tf.keras.utils: data loading, array helpers, seeding and model plotting (tf_keras's utils)."""

from tensorflux._src.keras.models.data_adapter import (
    pack_x_y_sample_weight as pack_x_y_sample_weight,
)
from tensorflux._src.keras.models.data_adapter import (
    unpack_x_y_sample_weight as unpack_x_y_sample_weight,
)
from tensorflux._src.keras.saving.object_registration import CustomObjectScope as CustomObjectScope
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
from tensorflux._src.keras.saving.serialization_lib import (
    deserialize_keras_object as deserialize_keras_object,
)
from tensorflux._src.keras.saving.serialization_lib import (
    serialize_keras_object as serialize_keras_object,
)
from tensorflux._src.keras.utils.data_utils import PyDataset as PyDataset
from tensorflux._src.keras.utils.data_utils import Sequence as Sequence
from tensorflux._src.keras.utils.data_utils import get_file as get_file
from tensorflux._src.keras.utils.dataset_utils import split_dataset as split_dataset
from tensorflux._src.keras.utils.image_dataset_utils import (
    image_dataset_from_directory as image_dataset_from_directory,
)
from tensorflux._src.keras.utils.image_utils import array_to_img as array_to_img
from tensorflux._src.keras.utils.image_utils import img_to_array as img_to_array
from tensorflux._src.keras.utils.image_utils import load_img as load_img
from tensorflux._src.keras.utils.image_utils import save_img as save_img
from tensorflux._src.keras.utils.io_utils import (
    disable_interactive_logging as disable_interactive_logging,
)
from tensorflux._src.keras.utils.io_utils import (
    enable_interactive_logging as enable_interactive_logging,
)
from tensorflux._src.keras.utils.io_utils import (
    is_interactive_logging_enabled as is_interactive_logging_enabled,
)
from tensorflux._src.keras.utils.layer_utils import get_source_inputs as get_source_inputs
from tensorflux._src.keras.utils.np_utils import normalize as normalize
from tensorflux._src.keras.utils.np_utils import to_categorical as to_categorical
from tensorflux._src.keras.utils.np_utils import to_ordinal as to_ordinal
from tensorflux._src.keras.utils.progbar import Progbar as Progbar
from tensorflux._src.keras.utils.random_seed import set_random_seed as set_random_seed
from tensorflux._src.keras.utils.sequence_enqueuers import (
    GeneratorEnqueuer as GeneratorEnqueuer,
)
from tensorflux._src.keras.utils.sequence_enqueuers import OrderedEnqueuer as OrderedEnqueuer
from tensorflux._src.keras.utils.sequence_enqueuers import (
    SequenceEnqueuer as SequenceEnqueuer,
)
from tensorflux._src.keras.utils.sequence_utils import pad_sequences as pad_sequences
from tensorflux._src.keras.utils.text_dataset_utils import (
    text_dataset_from_directory as text_dataset_from_directory,
)
from tensorflux._src.keras.utils.timeseries_dataset_utils import (
    timeseries_dataset_from_array as timeseries_dataset_from_array,
)
from tensorflux._src.keras.utils.vis_utils import model_to_dot as model_to_dot
from tensorflux._src.keras.utils.vis_utils import plot_model as plot_model
