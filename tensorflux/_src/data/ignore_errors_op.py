"""`Dataset.ignore_errors`: the elements of a dataset, leaving out those whose production raised.

An exception ends a Python generator, so a stage that raised (a map whose function failed for
one element, and every stage the error passed through on its way here) cannot go on by itself.
This stage therefore builds its input pipeline with stages that remember the iterators they
asked for. After an error it rebuilds the failed stages and hands them their inputs' iterators
as they were: the stage below the failure has already moved past the bad element, so the
rebuilt pipeline continues with the next one, as TF's does. A failed source (a generator that
raised) cannot resume and counts as finished.

A failed repeat resumes in the epoch it was in. Other state a failed stage held is lost with
it: a partly filled batch (as TF's batch loses it), a shuffle buffer, the elements a parallel map
had in flight. An error that recurs before any stage has produced an element again (an
assert_cardinality at the end of its input) ends the dataset.
"""

from __future__ import annotations

from tensorflux._src.core import log
from tensorflux._src.data import repeat_op, runtime
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class IgnoreErrorsDataset(Dataset):
    """The elements of `input_dataset` whose production did not raise; with `log_warning`,
    each skipped error is logged.

    >>> ds = tf.data.Dataset.from_tensor_slices([1.0, 0.0, 2.0])
    >>> ds = ds.map(lambda x: tf.debugging.check_numerics(1.0 / x, "inf")).ignore_errors()
    >>> [float(x) for x in ds]
    [1.0, 0.5]
    """

    def __init__(self, input_dataset, log_warning=False):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._log_warning = bool(log_warning)
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "IgnoreErrorsDataset"

    def _cardinality(self) -> int:
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN

    def _iterate(self, stage):
        run = _Run(stage.ctx)
        root = _Node.start(run, stage.depth + 1, self._input, ())
        progress_at_last_error = -1
        while True:
            try:
                components = next(root.iterator)
            except StopIteration:
                return
            except Exception as error:  # the element failed: skip it, go on with the next
                if self._log_warning:
                    log.logger.warning("Error raised with error message %s", error)
                if run.progress == progress_at_last_error:
                    return  # it failed again before any stage moved: it can only fail on
                progress_at_last_error = run.progress
                root = root.recovered()
                continue
            yield components


def ignore_errors(log_warning=False):
    """`tf.data.experimental.ignore_errors`: `Dataset.ignore_errors` for `apply`.

    >>> ds = tf.data.Dataset.from_tensor_slices([1.0, 0.0]).map(
    ...     lambda x: tf.debugging.check_numerics(1.0 / x, "inf"))
    >>> [float(x) for x in ds.apply(ignore_errors())]
    [1.0]
    """
    return lambda dataset: IgnoreErrorsDataset(dataset, log_warning)


class _Run:
    """What the stages of one input pipeline share: the iterator context, and a count of the
    elements they have produced (to tell an error that recurs without progress)."""

    __slots__ = ("ctx", "progress")

    def __init__(self, ctx):
        self.ctx = ctx
        self.progress = 0


class _Node:
    """One stage of the input pipeline: its iterator, whether it failed or finished, and the
    input iterators it asked for."""

    __slots__ = (
        "children",
        "dataset",
        "depth",
        "done",
        "epochs",
        "failed",
        "iterator",
        "reusable",
        "run",
    )

    @classmethod
    def start(cls, run, depth, dataset, reusable, finished=False, epochs_started=0):
        node = cls()
        node.run, node.depth, node.dataset = run, depth, dataset
        node.children = []
        node.failed = False
        node.done = finished
        node.reusable = list(reusable)
        node.epochs = max(epochs_started - 1, 0)  # epochs begun before this node's first input
        if finished:
            node.iterator = iter(())
            return node
        stats = run.ctx.stage(dataset._stage_name(), depth)
        stage = _TrackingStage(run.ctx, depth, stats, node)
        if epochs_started:
            generator = _resumed_repeat(stage, dataset, epochs_started)
        else:
            generator = dataset._iterate(stage)
        node.iterator = _TrackingIterator(runtime.StageIterator(generator, stats), node)
        return node

    def recovered(self) -> _Node:
        """This stage if it can go on, else a rebuilt one that continues where it stopped."""
        if not self.failed:
            return self
        if not self.children:  # a source: it cannot resume, so it has finished
            return _Node.start(self.run, self.depth, self.dataset, (), finished=True)
        if isinstance(self.dataset, repeat_op.RepeatDataset):  # resume in the same epoch
            return _Node.start(
                self.run, self.depth, self.dataset, self.children[-1:],
                epochs_started=self.epochs + len(self.children),
            )  # fmt: skip
        return _Node.start(self.run, self.depth, self.dataset, self.children)

    def child(self, dataset):
        for index, old in enumerate(self.reusable):
            if old.dataset is dataset:
                del self.reusable[index]
                node = old.recovered()
                break
        else:
            node = _Node.start(self.run, self.depth + 1, dataset, ())
        self.children.append(node)
        return node.iterator


def _resumed_repeat(stage, dataset, epochs_started):
    """The rest of a repeat that failed in its epoch `epochs_started - 1`."""
    yield from stage.input(dataset._input)
    epoch = epochs_started
    while dataset._count < 0 or epoch < dataset._count:
        produced = False
        for components in stage.input(dataset._input):
            produced = True
            yield components
        if not produced:
            return
        epoch += 1


class _TrackingStage(runtime.Stage):
    """A stage whose `input()` iterators are recorded on its node."""

    __slots__ = ("node",)

    def __init__(self, ctx, depth, stats, node):
        super().__init__(ctx, depth, stats)
        self.node = node

    def input(self, dataset):
        return self.node.child(dataset)


class _TrackingIterator:
    """A stage's iterator that marks its node failed when it raises, done when it ends."""

    __slots__ = ("_iterator", "_node")

    def __init__(self, iterator, node):
        self._iterator = iterator
        self._node = node

    def __iter__(self):
        return self

    def __next__(self):
        try:
            components = next(self._iterator)
        except StopIteration:
            self._node.done = True
            raise
        except Exception:
            self._node.failed = True
            raise
        self._node.run.progress += 1
        return components

    def close(self) -> None:
        self._iterator.close()
