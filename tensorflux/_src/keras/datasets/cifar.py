"""Reading one pickled CIFAR batch file (shared by cifar10 and cifar100)."""

import pickle


def load_batch(fpath, label_key="labels"):
    """Returns `(data, labels)` of a CIFAR batch: uint8 `(n, 3, 32, 32)` and a list of ints."""
    with open(fpath, "rb") as file:
        # The batches were pickled by Python 2: keys are bytes.
        raw = pickle.load(file, encoding="bytes")
    batch = {key.decode("utf8"): value for key, value in raw.items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]
