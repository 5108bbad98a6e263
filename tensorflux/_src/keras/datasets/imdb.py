"""`tf.keras.datasets.imdb`: 50,000 movie reviews as word-index sequences, labelled 0/1."""

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.datasets import word_sequences
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    cache_dir=None,
    **kwargs,
):
    """Loads IMDB reviews: word indices by frequency rank (1 is the most frequent word).

    Args:
        path: Name of the cached file.
        num_words: Keep the `num_words` most frequent words; others become `oov_char`.
        skip_top: Also treat the `skip_top` most frequent words as out of vocabulary.
        maxlen: Drop reviews of `maxlen` words or more.
        seed: Seed of the shuffle of each split.
        start_char: Index put at the start of every review (None for none).
        oov_char: Index of out-of-vocabulary words (None drops them).
        index_from: Offset added to every word index.
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.
        **kwargs: `nb_words`, the legacy name of `num_words`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and int64 labels.

    Raises:
        ValueError: When `maxlen` leaves no review in a split.
    """
    num_words = word_sequences.pop_legacy_num_words(num_words, kwargs, ".")
    origin, file_hash = origin_lib.resolve(
        origin_lib.TF_KERAS_DATASETS_FOLDER + "imdb.npz", _FILE_HASH
    )
    path = get_file(
        path,
        origin=origin,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]

    # One generator shuffles both splits in turn, as tf_keras does.
    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    x_train = word_sequences.shift_indices(x_train, start_char, index_from)
    x_test = word_sequences.shift_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = word_sequences.remove_long_sequences(maxlen, x_train, labels_train)
        x_test, labels_test = word_sequences.remove_long_sequences(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen!s}, no sequence "
                "was kept. Increase maxlen."
            )
    sequences = word_sequences.limit_vocabulary(
        list(x_train) + list(x_test), num_words, skip_top, oov_char
    )
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    x_train = word_sequences.as_object_array(sequences[:split])
    x_test = word_sequences.as_object_array(sequences[split:])
    return (x_train, labels[:split]), (x_test, labels[split:])


def get_word_index(path="imdb_word_index.json"):
    """Returns the `{word: index}` dict of the IMDB data (indices before `index_from`)."""
    return word_sequences.load_word_index(path, "imdb_word_index.json", _WORD_INDEX_HASH)
