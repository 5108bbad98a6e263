"""`tf.keras.datasets.reuters`: 11,228 newswires as word-index sequences, in 46 topics."""

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.datasets import word_sequences
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    cache_dir=None,
    **kwargs,
):
    """Loads the Reuters newswires: word indices by frequency rank, topic labels 0-45.

    Args:
        path: Name of the cached file.
        num_words: Keep the `num_words` most frequent words; others become `oov_char`.
        skip_top: Also treat the `skip_top` most frequent words as out of vocabulary.
        maxlen: Drop newswires of `maxlen` words or more.
        test_split: Fraction of the samples kept for testing.
        seed: Seed of the shuffle before the split.
        start_char: Index put at the start of every sequence (None for none).
        oov_char: Index of out-of-vocabulary words (None drops them).
        index_from: Offset added to every word index.
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.
        **kwargs: `nb_words`, the legacy name of `num_words`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and int64 labels.
    """
    num_words = word_sequences.pop_legacy_num_words(num_words, kwargs, "")
    origin, file_hash = origin_lib.resolve(
        origin_lib.TF_KERAS_DATASETS_FOLDER + "reuters.npz", _FILE_HASH
    )
    path = get_file(
        path,
        origin=origin,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    with np.load(path, allow_pickle=True) as f:
        sequences, labels = f["x"], f["y"]
    order = np.arange(len(sequences))
    np.random.RandomState(seed).shuffle(order)
    sequences, labels = sequences[order], labels[order]

    sequences = word_sequences.shift_indices(sequences, start_char, index_from)
    if maxlen:
        sequences, labels = word_sequences.remove_long_sequences(maxlen, sequences, labels)
    sequences = word_sequences.limit_vocabulary(list(sequences), num_words, skip_top, oov_char)
    split = int(len(sequences) * (1 - test_split))
    x_train = word_sequences.as_object_array(sequences[:split])
    x_test = word_sequences.as_object_array(sequences[split:])
    return (x_train, np.array(labels[:split])), (x_test, np.array(labels[split:]))


def get_word_index(path="reuters_word_index.json"):
    """Returns the `{word: index}` dict of the Reuters data (indices before `index_from`)."""
    return word_sequences.load_word_index(path, "reuters_word_index.json", _WORD_INDEX_HASH)


def get_label_names():
    """Returns the 46 topic names, indexed like the labels.

    >>> tf.keras.datasets.reuters.get_label_names()[:3]
    ('cocoa', 'grain', 'veg-oil')
    """
    return _LABEL_NAMES
