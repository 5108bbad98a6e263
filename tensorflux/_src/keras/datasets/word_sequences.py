"""Shared by the IMDB and Reuters loaders: re-indexing word-index sequences."""

import json
import logging

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.utils.data_utils import get_file


def pop_legacy_num_words(num_words, kwargs, error_suffix):
    """Accepts tf_keras's old `nb_words` spelling; any other keyword is a TypeError."""
    if "nb_words" in kwargs:
        logging.getLogger("tensorflow").warning(
            "The `nb_words` argument in `load_data` has been renamed `num_words`."
        )
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs!s}{error_suffix}")
    return num_words


def shift_indices(sequences, start_char, index_from):
    """Adds `index_from` to every word index and prepends `start_char` (when not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in seq] for seq in sequences]
    if index_from:
        return [[w + index_from for w in seq] for seq in sequences]
    return sequences


def remove_long_sequences(maxlen, sequences, labels):
    """Keeps the sequences shorter than `maxlen` (strictly), with their labels."""
    kept_sequences, kept_labels = [], []
    for sequence, label in zip(sequences, labels):
        if len(sequence) < maxlen:
            kept_sequences.append(sequence)
            kept_labels.append(label)
    return kept_sequences, kept_labels


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside `[skip_top, num_words)` become `oov_char`, or are dropped when it is None."""
    if not num_words:
        num_words = max(max(seq) for seq in sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]
    return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]


def as_object_array(sequences):
    return np.array(sequences, dtype="object")


def load_word_index(path, filename, file_hash):
    """Downloads (once) and reads a `{word: index}` JSON file from the datasets folder."""
    origin, file_hash = origin_lib.resolve(
        origin_lib.TF_KERAS_DATASETS_FOLDER + filename, file_hash
    )
    path = get_file(path, origin=origin, file_hash=file_hash)
    with open(path) as file:
        return json.load(file)
