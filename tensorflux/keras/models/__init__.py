"""tf.keras.models: the model classes and model files."""

from tensorflux._src.keras.models.cloning import clone_model as clone_model
from tensorflux._src.keras.models.sequential import Sequential as Sequential
from tensorflux._src.keras.models.training import Model as Model
from tensorflux._src.keras.saving.save import load_model as load_model
from tensorflux._src.keras.saving.save import model_from_config as model_from_config
from tensorflux._src.keras.saving.save import model_from_json as model_from_json
from tensorflux._src.keras.saving.save import model_from_yaml as model_from_yaml
from tensorflux._src.keras.saving.save import save_model as save_model
