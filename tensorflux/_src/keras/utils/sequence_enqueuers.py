"""Background readers of a `Sequence` or generator: `OrderedEnqueuer` and `GeneratorEnqueuer`.

A run thread submits one task per batch to a pool of worker threads (or forked processes with
`use_multiprocessing=True`) and queues the pending results, at most `max_queue_size` ahead of the
consumer; `get()` yields them in submission order. The objects being read are kept in a module
registry under the enqueuer's id, so forked workers find them without pickling.
"""

import itertools
import multiprocessing
import multiprocessing.pool
import queue
import random
import threading
import time
from contextlib import closing

import numpy as np

_SHARED = {}
_SHARED_LOCKS = {}
_IDS = itertools.count()


def _batch_at(uid, index):
    return _SHARED[uid][index]


def _next_item(uid):
    # Worker threads share one generator, which must not be entered twice at once.
    lock = _SHARED_LOCKS.get(uid)
    if lock is None:
        return next(_SHARED[uid])
    with lock:
        return next(_SHARED[uid])


def _seed_worker(random_seed):
    if random_seed is not None:
        np.random.seed(random_seed + multiprocessing.current_process().ident)


def _pool(use_multiprocessing, workers, random_seed=None):
    if use_multiprocessing:
        return multiprocessing.get_context("fork").Pool(
            workers, initializer=_seed_worker, initargs=(random_seed,)
        )
    return multiprocessing.pool.ThreadPool(workers)


class SequenceEnqueuer:
    """Base class of the enqueuers: starts and stops the reading, and hands out the results.

    Args:
        sequence: A `tf.keras.utils.Sequence` (or, for `GeneratorEnqueuer`, a generator).
        use_multiprocessing: Whether the workers are forked processes rather than threads.

    Use: `enqueuer.start(workers, max_queue_size)`, iterate `enqueuer.get()`, then
    `enqueuer.stop()`.
    """

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self.uid = next(_IDS)
        self.workers = 0
        self.queue = None
        self.run_thread = None
        self.stop_signal = None

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Starts `workers` workers, keeping at most `max_queue_size` batches ahead."""
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self._share()
        self.run_thread = threading.Thread(target=self._run, daemon=True)
        self.run_thread.start()

    def _share(self):
        _SHARED[self.uid] = self.sequence

    def stop(self, timeout=None):
        """Stops the run thread (waiting up to `timeout` seconds) and drops pending batches."""
        self.stop_signal.set()
        with self.queue.mutex:
            self.queue.queue.clear()
            self.queue.unfinished_tasks = 0
            self.queue.not_full.notify()
        self.run_thread.join(timeout)
        _SHARED.pop(self.uid, None)
        _SHARED_LOCKS.pop(self.uid, None)

    def __del__(self):
        if self.is_running():
            self.stop()

    def _run(self):
        """Submits the reading tasks (in the run thread)."""
        raise NotImplementedError

    def get(self):
        """Yields the batches as they become ready, in order."""
        raise NotImplementedError


class OrderedEnqueuer(SequenceEnqueuer):
    """Reads a `Sequence` epoch after epoch, in index order (or shuffled), in the background.

    Args:
        sequence: A `tf.keras.utils.Sequence`.
        use_multiprocessing: Whether the workers are forked processes rather than threads.
        shuffle: Whether to shuffle the batch order at each epoch.

    >>> class Tens(tf.keras.utils.Sequence):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         return index * 10
    >>> enqueuer = tf.keras.utils.OrderedEnqueuer(Tens())
    >>> enqueuer.start(workers=2)
    >>> batches = enqueuer.get()
    >>> [next(batches) for _ in range(4)]
    [0, 10, 20, 0]
    >>> enqueuer.stop()
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _wait_queue(self):
        while self.queue.unfinished_tasks and not self.stop_signal.is_set():
            time.sleep(0.01)

    def _run(self):
        indices = list(range(len(self.sequence)))
        while True:
            if self.shuffle:
                random.shuffle(indices)
            # A new pool per epoch: forked workers then see the sequence as on_epoch_end left it.
            with closing(_pool(self.use_multiprocessing, self.workers)) as pool:
                for index in indices:
                    if self.stop_signal.is_set():
                        return
                    self.queue.put(pool.apply_async(_batch_at, (self.uid, index)), block=True)
                self._wait_queue()
                if self.stop_signal.is_set():
                    return
            self.sequence.on_epoch_end()
            self._share()

    def get(self):
        while self.is_running():
            try:
                pending = self.queue.get(block=True, timeout=0.1)
            except queue.Empty:
                continue
            try:
                batch = pending.get()
            except Exception:
                self.stop()
                raise
            if self.is_running():
                self.queue.task_done()
            if batch is not None:
                yield batch


class GeneratorEnqueuer(SequenceEnqueuer):
    """Reads a generator in the background, with several workers calling `next` on it.

    Args:
        generator: A generator (with forked workers, each process reads its own copy).
        use_multiprocessing: Whether the workers are forked processes rather than threads.
        random_seed: Seeds NumPy in each forked worker (seed + process id).

    >>> enqueuer = tf.keras.utils.GeneratorEnqueuer(iter(range(3)))
    >>> enqueuer.start(workers=1)
    >>> list(enqueuer.get())
    [0, 1, 2]
    >>> enqueuer.stop()
    """

    def __init__(self, generator, use_multiprocessing=False, random_seed=None):
        super().__init__(generator, use_multiprocessing)
        self.random_seed = random_seed

    def _share(self):
        super()._share()
        if not self.use_multiprocessing:
            _SHARED_LOCKS[self.uid] = threading.Lock()

    def _run(self):
        with closing(_pool(self.use_multiprocessing, self.workers, self.random_seed)) as pool:
            while not self.stop_signal.is_set():
                self.queue.put(pool.apply_async(_next_item, (self.uid,)), block=True)

    def get(self):
        try:
            while self.is_running():
                item = self.queue.get(block=True).get()
                self.queue.task_done()
                if item is not None:
                    yield item
        except StopIteration:
            # A finite generator: hand out the tasks that still succeeded, then stop.
            remaining = []
            while self.queue.qsize() > 0:
                remaining.append(self.queue.get(block=True))
            for pending in remaining:
                pending.wait()
            for pending in remaining:
                if pending.successful():
                    item = pending.get()
                    if item is not None:
                        yield item
