"""Kernels accept and refuse what TF's kernels do: each op called through tf.raw_ops with one
tensor input reshaped (a leading dim dropped or added, a dim resized or emptied, the last two
swapped, the rank changed) gives real TF's result (values, dtypes, shapes) or TF's error class.
The same call in a tf.function traced with unknown-shape TensorSpecs reaches the kernel unchecked
by the shape rules, and must do the same: never succeed where TF fails.

The valid calls to reshape come from the OpSpec tables: each row's graph and its backward pass's
graph, run node by node through tf.raw_ops as tests/ops/test_raw_ops.py does (a few distinct calls
per op), plus hand-written calls of the ops no row reaches. Each valid call is checked as is too."""

import functools
import importlib.util
import pathlib

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.core import dtypes  # noqa: E402
from tensorflux._src.graph import ir, op_signature  # noqa: E402

OPS_TESTS = pathlib.Path(__file__).resolve().parents[1] / "ops"
TABLES = ("SPECS", "COMPLEX_SPECS", "REAL_SPECS", "COMPOSITE_SPECS")
_CONTROL_FLOW = ("If", "StatelessIf", "While", "StatelessWhile")
_CALLS_PER_OP = 6  # distinct valid calls (by input shapes and attrs) reshaped per op
# What TF's CPU kernels refuse whatever the shapes (NCHW layouts, dilations): nothing to compare.
_TF_CPU_LIMITS = (
    "only supports NHWC",
    "only supports NDHWC",
    "only supported for NHWC",
    "the NHWC tensor format",
    "dilated rates of 1",
    "dilation rates larger than 1",
    "does not support dilations",
    "Could not find device for node",
    "not supported on CPU",  # gradients of grouped convolutions
    "filter_size does not have enough elements",  # the same, from Conv2DBackpropFilter
)
# Outputs whose values are not unique (eigenvector signs, eigenvalue order) or that TF leaves
# uninitialized (an empty input's real FFT, the reserve spaces of an empty batch norm): only the
# first `n` outputs' values are compared (by op, or by op and reshaping), the rest by shape and
# dtype.
_VALUES_COMPARED = {
    "Svd": 1,
    "SelfAdjointEigV2": 1,
    "Eig": 0,
    "Qr": 0,
    ("FusedBatchNormV3", "empty_first_dim"): 3,
    **{(op, "empty_first_dim"): 0 for op in ("RFFT", "RFFT2D", "RFFT3D")},
    **{(op, "empty_first_dim"): 0 for op in ("IRFFT", "IRFFT2D", "IRFFT3D")},
}
# Calls TF's kernels get wrong, not run in TF: AvgPoolGrad reads `grad` unchecked (a wrong shape
# corrupts its heap and the process aborts); the stateless random ops read a Philox counter of one
# element past its end. Ours must refuse them. (op, argument, reshaping or None for any)
_TF_UNSAFE = {
    ("AvgPoolGrad", "grad", None),
    *((op, "counter", "shrink_first_dim") for op in ("StatelessRandomUniformV2",
      "StatelessRandomNormalV2", "StatelessRandomUniformIntV2")),
}  # fmt: skip
# Where ours is known to differ from TF: (test id, reason).
_KNOWN_DIFFERENCES = {
    "CTCBeamSearchDecoder-inputs-grow_last_dim": (
        "CTCBeamSearchDecoder prunes its beams unlike TF's: at beam_width 3 over 5 classes its "
        "second path for batch 1 is more likely than TF's (log p -3.53 vs -4.06); matching TF "
        "needs TF's beam bookkeeping, a rewrite of the decoder"
    ),
}
# A search in a sequence that is no longer sorted has no specified result.
_UNSORTED = {("LowerBound", "sorted_inputs"), ("UpperBound", "sorted_inputs")}


def _flat(result) -> list:
    if isinstance(result, (list, tuple)):
        return [t for item in result for t in _flat(item)]
    return [result]


def _table_rows():
    for path in sorted(OPS_TESTS.glob("test_*.py")):
        if path.name == "test_raw_ops.py":
            continue
        spec = importlib.util.spec_from_file_location(f"_bad_inputs_tables_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for table in TABLES:
            yield from getattr(module, table, ())


def _raw_kwargs(node, values: dict, sig) -> dict:
    groups = op_signature.spread(sig.inputs, [values[id(t)] for t in node.inputs], node.attrs)
    by_target = {
        arg.name: (list(group) if arg.is_list else group[0])
        for arg, group in zip(sig.inputs, groups)
    }
    by_target.update(node.attrs)
    return {p.name: by_target[p.target] for p in sig.parameters if p.target in by_target}


def _shapes(value):
    """An argument's shape (or attr's value), to tell distinct calls apart."""
    if isinstance(value, list):
        return [_shapes(v) for v in value]
    return np.shape(value) if isinstance(value, np.ndarray) else value


def _extra_calls() -> dict:
    """Valid calls of ops no OpSpec row (nor its gradient) reaches: op name -> raw-op kwargs."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    image = rng.random((2, 4, 4, 3)).astype(f32)
    pooled = image.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4))
    volume = rng.random((1, 4, 4, 4, 2)).astype(f32)
    volume_pooled = volume.reshape(1, 2, 2, 2, 2, 2, 2, 2).max(axis=(2, 4, 6))
    pool = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "VALID"}
    pool3d = {"ksize": [1, 2, 2, 2, 1], "strides": [1, 2, 2, 2, 1], "padding": "VALID"}
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [0.2, 0.1, 0.8, 0.9]], f32)
    box_ind = np.array([0, 1], np.int32)
    sp_indices = np.array([[0, 0], [1, 2], [2, 1]], np.int64)
    sp_values = np.array([1.0, 2.0, 3.0], f32)
    sp_shape = np.array([3, 4], np.int64)
    dense = rng.random((3, 4)).astype(f32)
    segment = {
        "indices": np.array([0, 1, 2], np.int32),
        "segment_ids": np.array([0, 0, 1], np.int32),
    }
    words = np.array([b"ab", b"cde", b"f"], object)
    return {
        "Add": {"x": dense, "y": dense[0]},
        "All": {"input": dense > 0.5, "axis": np.array(1, np.int32)},
        "Any": {"input": dense > 0.5, "axis": np.array([0], np.int32)},
        "BatchMatMulV3": {"x": dense, "y": dense.T.copy(), "Tout": tfx.float32},
        "BroadcastGradientArgs": {
            "s0": np.array([2, 1, 3], np.int32),
            "s1": np.array([4, 3], np.int32),
        },
        "CropAndResize": {
            "image": image,
            "boxes": boxes,
            "box_ind": box_ind,
            "crop_size": np.array([3, 2], np.int32),
        },
        "CropAndResizeGradBoxes": {
            "grads": rng.random((2, 3, 2, 3)).astype(f32),
            "image": image,
            "boxes": boxes,
            "box_ind": box_ind,
        },
        "CropAndResizeGradImage": {
            "grads": rng.random((2, 3, 2, 3)).astype(f32),
            "boxes": boxes,
            "box_ind": box_ind,
            "image_size": np.array([2, 4, 4, 3], np.int32),
            "T": tfx.float32,
        },
        "EnsureShape": {"input": dense, "shape": [3, None]},
        "LRNGrad": {
            "input_grads": image,
            "input_image": image,
            "output_image": tfx.raw_ops.LRN(input=image).numpy(),
        },
        "LinSpace": {
            "start": np.array(0.0, f32),
            "stop": np.array(1.0, f32),
            "num": np.array(5, np.int32),
        },
        "LowerBound": {"sorted_inputs": np.sort(dense, axis=1), "values": dense[:, :2].copy()},
        "MaxPool3DGrad": {
            "orig_input": volume,
            "orig_output": volume_pooled,
            "grad": volume_pooled,
            **pool3d,
        },
        "MaxPoolGradGrad": {"orig_input": image, "orig_output": pooled, "grad": image, **pool},
        "MaxPoolGradGradV2": {
            "orig_input": image,
            "orig_output": pooled,
            "grad": image,
            "ksize": np.array([1, 2, 2, 1], np.int32),
            "strides": np.array([1, 2, 2, 1], np.int32),
            "padding": "VALID",
        },
        "NonMaxSuppressionV3": {
            "boxes": boxes,
            "scores": np.array([0.9, 0.8], f32),
            "max_output_size": np.array(2, np.int32),
            "iou_threshold": np.array(0.5, f32),
            "score_threshold": np.array(0.0, f32),
        },
        "Relu6Grad": {"gradients": dense, "features": dense * 8 - 1},
        "ResizeBicubic": {"images": image, "size": np.array([3, 5], np.int32)},
        "ResizeBilinearGrad": {
            "grads": rng.random((2, 3, 5, 3)).astype(f32),
            "original_image": image,
        },
        "ResizeNearestNeighborGrad": {
            "grads": rng.random((2, 3, 5, 3)).astype(f32),
            "size": np.array([4, 4], np.int32),
        },
        "ShapeN": {"input": [dense, image]},
        "Size": {"input": image},
        "Rank": {"input": image},
        "SparseDenseCwiseMul": {
            "sp_indices": sp_indices,
            "sp_values": sp_values,
            "sp_shape": sp_shape,
            "dense": dense,
        },
        "SparseSegmentSum": {"data": dense, **segment},
        "SparseSegmentMean": {"data": dense, **segment},
        "SparseSegmentSumWithNumSegments": {
            "data": dense,
            **segment,
            "num_segments": np.array(3, np.int32),
        },
        "SparseTensorDenseAdd": {
            "a_indices": sp_indices,
            "a_values": sp_values,
            "a_shape": sp_shape,
            "b": dense,
        },
        "SparseTensorDenseMatMul": {
            "a_indices": sp_indices,
            "a_values": sp_values,
            "a_shape": sp_shape,
            "b": dense.T.copy(),
        },
        "SparseToDense": {
            "sparse_indices": sp_indices,
            "output_shape": sp_shape,
            "sparse_values": sp_values,
            "default_value": np.array(0.0, f32),
        },
        "SparseSoftmax": {"sp_indices": sp_indices, "sp_values": sp_values, "sp_shape": sp_shape},
        "SparseReduceSum": {
            "input_indices": sp_indices,
            "input_values": sp_values,
            "input_shape": sp_shape,
            "reduction_axes": np.array([1], np.int32),
        },
        "SparseReorder": {
            "input_indices": sp_indices[::-1].copy(),
            "input_values": sp_values,
            "input_shape": sp_shape,
        },
        "SparseReshape": {
            "input_indices": sp_indices,
            "input_shape": sp_shape,
            "new_shape": np.array([2, -1], np.int64),
        },
        "SparseFillEmptyRows": {
            "indices": sp_indices,
            "values": sp_values,
            "dense_shape": np.array([4, 4], np.int64),
            "default_value": np.array(0.0, f32),
        },
        "SparseAdd": {
            "a_indices": sp_indices,
            "a_values": sp_values,
            "a_shape": sp_shape,
            "b_indices": sp_indices[:2].copy(),
            "b_values": sp_values[:2].copy(),
            "b_shape": sp_shape,
            "thresh": np.array(0.0, f32),
        },
        "StringJoin": {"inputs": [words, words[::-1].copy()], "separator": "-"},
        "StringLength": {"input": words},
        "Substr": {
            "input": words,
            "pos": np.array([0, 1, 0], np.int32),
            "len": np.array([1, 2, 1], np.int32),
        },
        "StringToNumber": {"string_tensor": np.array([b"1.5", b"2", b"-3"], object)},
        "ReduceJoin": {
            "inputs": np.array([[b"a", b"b"], [b"c", b"d"]], object),
            "reduction_indices": np.array(1, np.int32),
        },
        "Unique": {"x": np.array([3, 1, 3, 2], np.int32)},
        "AdjustContrastv2": {"images": image, "contrast_factor": np.array(1.5, f32)},
        "AdjustHue": {"images": image, "delta": np.array(0.1, f32)},
        "AdjustSaturation": {"images": image, "scale": np.array(1.2, f32)},
        "DrawBoundingBoxesV2": {
            "images": image,
            "boxes": boxes[:, None, :].copy(),
            "colors": np.array([[1.0, 0.0, 0.0, 1.0]], f32),
        },
        **_more_calls(rng, image, boxes, sp_indices, sp_values, sp_shape, dense, words),
    }


def _more_calls(rng, image, boxes, sp_indices, sp_values, sp_shape, dense, words) -> dict:
    f32 = np.float32
    pool = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "VALID"}
    _, argmax = tfx.raw_ops.MaxPoolWithArgmax(input=image, **pool)
    norm = tfx.raw_ops.FusedBatchNormV3(
        x=image, scale=np.ones(3, f32), offset=np.zeros(3, f32), mean=np.zeros(0, f32),
        variance=np.zeros(0, f32),
    )  # fmt: skip
    logits = np.log(rng.random((5, 2, 4)).astype(f32))
    lengths = np.array([5, 4], np.int32)
    segment = {
        "indices": np.array([0, 1, 2], np.int32),
        "segment_ids": np.array([0, 0, 1], np.int32),
    }
    key_counter = {
        "key": np.array([7], np.uint64),
        "counter": np.array([1, 2], np.uint64),
        "alg": np.array(1, np.int32),
    }
    return {
        "CTCGreedyDecoder": {"inputs": logits, "sequence_length": lengths},
        "CTCBeamSearchDecoder": {
            "inputs": logits,
            "sequence_length": lengths,
            "beam_width": 3,
            "top_paths": 2,
        },
        "FusedBatchNormGradV3": {
            "y_backprop": image,
            "x": image,
            "scale": np.ones(3, f32),
            "reserve_space_1": norm.reserve_space_1.numpy(),
            "reserve_space_2": norm.reserve_space_2.numpy(),
            "reserve_space_3": norm.reserve_space_3.numpy(),
        },
        "MaxPoolGradGradWithArgmax": {
            "input": image,
            "grad": image,
            "argmax": argmax.numpy(),
            **pool,
        },
        "NonMaxSuppressionV5": {
            "boxes": boxes,
            "scores": np.array([0.9, 0.8], f32),
            "max_output_size": np.array(2, np.int32),
            "iou_threshold": np.array(0.5, f32),
            "score_threshold": np.array(0.0, f32),
            "soft_nms_sigma": np.array(0.0, f32),
        },
        "ResizeBicubicGrad": {
            "grads": rng.random((2, 3, 5, 3)).astype(f32),
            "original_image": image,
        },
        "ScaleAndTranslate": {
            "images": image,
            "size": np.array([6, 3], np.int32),
            "scale": np.array([1.5, 0.75], f32),
            "translation": np.array([0.0, 0.0], f32),
        },
        "SparseDenseCwiseDiv": {
            "sp_indices": sp_indices,
            "sp_values": sp_values,
            "sp_shape": sp_shape,
            "dense": dense + 1,
        },
        "SparseReduceSumSparse": {
            "input_indices": sp_indices,
            "input_values": sp_values,
            "input_shape": sp_shape,
            "reduction_axes": np.array([0], np.int32),
        },
        "SparseSegmentSqrtN": {"data": dense, **segment},
        "SparseSegmentMeanGradV2": {
            "grad": dense[:2].copy(),
            **segment,
            "dense_output_dim0": np.array(3, np.int32),
        },
        "SparseSlice": {
            "indices": sp_indices,
            "values": sp_values,
            "shape": sp_shape,
            "start": np.array([0, 1], np.int64),
            "size": np.array([2, 3], np.int64),
        },
        "SparseSparseMaximum": {
            "a_indices": sp_indices,
            "a_values": sp_values,
            "a_shape": sp_shape,
            "b_indices": sp_indices[1:].copy(),
            "b_values": sp_values[1:] * 2,
            "b_shape": sp_shape,
        },
        "SparseSplit": {
            "split_dim": np.array(1, np.int64),
            "indices": sp_indices,
            "values": sp_values,
            "shape": sp_shape,
            "num_split": 2,
        },
        "SparseConcat": {
            "indices": [sp_indices, sp_indices],
            "values": [sp_values, sp_values],
            "shapes": [sp_shape, sp_shape],
            "concat_dim": 1,
        },
        "StringLower": {"input": np.array([b"AbC", b"D"], object)},
        "StringStrip": {"input": np.array([b" a ", b"b "], object)},
        "StringToHashBucketFast": {"input": words, "num_buckets": 10},
        "StringSplitV2": {"input": np.array([b"a b", b"c"], object), "sep": np.array(b" ", object)},
        "RegexFullMatch": {"input": words, "pattern": np.array(b"[a-c]+", object)},
        "EncodeBase64": {"input": words},
        "UnicodeScript": {"input": np.array([65, 1488, 20013], np.int32)},
        "StatelessRandomUniformV2": {"shape": np.array([2, 3], np.int32), **key_counter},
        "StatelessRandomNormalV2": {"shape": np.array([2, 3], np.int32), **key_counter},
        "StatelessRandomUniformIntV2": {
            "shape": np.array([2, 3], np.int32),
            **key_counter,
            "minval": np.array(0, np.int32),
            "maxval": np.array(10, np.int32),
        },
        "SerializeTensor": {"tensor": dense},
    }


def _gradients(row, dtype):
    """The row's function and, where it has gradients, its backward pass (ReluGrad, ...)."""
    forward = lambda *args: _flat(row.fn(*args, **row.kwargs))  # noqa: E731
    if not row.grad or not dtype.is_floating:
        return [forward]

    def backward(*args):
        floating = [a for a in args if a.dtype.is_floating]
        with tfx.GradientTape() as tape:
            for a in floating:
                tape.watch(a)
            outputs = [t for t in forward(*args) if t.dtype.is_floating]
            total = tfx.add_n([tfx.reduce_sum(t) for t in outputs])
        return [g for g in tape.gradient(total, floating) if g is not None]

    return [forward, backward]


def _node_calls(concrete, tensors):
    """(op name, TF's signature, raw-op kwargs) of each node, run one by one through raw_ops,
    up to the first op raw_ops can't rerun (stateful, control flow)."""
    values = {id(t): tensor for t, tensor in zip(concrete.graph.inputs, tensors)}
    for node in concrete.graph.nodes:
        if node.op is ir.PLACEHOLDER:
            continue
        if node.op is ir.CONST:
            values[id(node.outputs[0])] = tfx.constant(node.attrs["value"], node.attrs["dtype"])
            continue
        sig = op_signature.signature(node.op.name)
        if sig is None or node.op.stateful or node.op.name in _CONTROL_FLOW:
            return
        kwargs = _raw_kwargs(node, values, sig)
        result = getattr(tfx.raw_ops, node.op.name)(**kwargs)
        for tensor, value in zip(node.outputs, _flat(result)):
            values[id(tensor)] = value
        yield node.op.name, sig, kwargs


@functools.cache
def _valid_calls() -> dict:
    """Op name -> [(tensor parameter names, raw-op kwargs)]: its first few distinct valid calls
    (by input shapes and attrs), NumPy arrays standing for the tensors."""
    calls: dict = {}
    seen = set()
    for row in _table_rows():
        dtype = row.dtypes[-1]  # float64 where the row differentiates
        tensors = [tfx.constant(a) for a in row.cases(dtype)[0]]
        for function in _gradients(row, dtype):
            concrete = tfx.function(function).get_concrete_function(*tensors)
            for op_name, sig, kwargs in _node_calls(concrete, tensors):
                inputs = {
                    p.name for p in sig.parameters if p.target in {a.name for a in sig.inputs}
                }
                numpy_kwargs = {
                    key: ([t.numpy() for t in value] if isinstance(value, list) else value.numpy())
                    if key in inputs
                    else value
                    for key, value in kwargs.items()
                }
                key = (op_name, repr(sorted((k, _shapes(v)) for k, v in numpy_kwargs.items())))
                known = calls.setdefault(op_name, [])
                if key not in seen and len(known) < _CALLS_PER_OP:
                    seen.add(key)
                    known.append((frozenset(inputs), numpy_kwargs))
    for op_name, kwargs in _extra_calls().items():
        sig = op_signature.signature(op_name)
        inputs = {p.name for p in sig.parameters if p.target in {a.name for a in sig.inputs}}
        calls.setdefault(op_name, []).append((frozenset(inputs), kwargs))
    return calls


def _mutations(array: np.ndarray):
    """(name, array of another shape) for each way of reshaping one input."""
    array = np.asarray(array)
    shape = array.shape
    if shape and shape[0] >= 1:
        yield "drop_leading_dim", array[0]
    yield "add_leading_dim", array[None]
    if shape and shape[-1] >= 1:
        yield "grow_last_dim", np.concatenate([array, array[..., :1]], axis=-1)
    if shape and shape[0] >= 2:
        yield "shrink_first_dim", array[:-1]
    if shape and shape[0] >= 1:
        yield "empty_first_dim", array[:0]
    if len(shape) >= 2 and shape[-1] != shape[-2]:
        yield "swap_last_two_dims", np.swapaxes(array, -1, -2).copy()
    if len(shape) >= 2:
        yield "flatten", array.reshape(-1)
    elif len(shape) == 1:
        yield "add_trailing_dim", array[:, None]
    else:
        yield "add_two_dims", array[None, None]
        yield "scalar_to_pair", np.stack([array, array])


def _variants():
    params = []
    for op_name, calls in sorted(_valid_calls().items()):
        for number, (inputs, kwargs) in enumerate(calls):
            call_name = op_name if number == 0 else f"{op_name}.{number}"
            compared = _VALUES_COMPARED.get(op_name)
            params.append(
                pytest.param(op_name, inputs, kwargs, compared, False, id=f"{call_name}-as_is")
            )
            for key in sorted(inputs & kwargs.keys()):
                value = kwargs[key]
                if isinstance(value, list):
                    slots = [(f"{key}{i}", i) for i in range(len(value))]
                else:
                    slots = [(key, None)]
                for slot_name, index in slots:
                    original = value if index is None else value[index]
                    for mutation, bad in _mutations(original):
                        if index is None:
                            new_value = bad
                        else:
                            new_value = list(value)
                            new_value[index] = bad
                        variant = {**kwargs, key: new_value}
                        test_id = f"{call_name}-{slot_name}-{mutation}"
                        compared = 0 if (op_name, key) in _UNSORTED else None
                        compared = _VALUES_COMPARED.get(op_name, compared)
                        compared = _VALUES_COMPARED.get((op_name, mutation), compared)
                        unsafe = bool({(op_name, key, None), (op_name, key, mutation)} & _TF_UNSAFE)
                        marks = ()
                        if test_id in _KNOWN_DIFFERENCES:
                            reason = _KNOWN_DIFFERENCES[test_id]
                            marks = pytest.mark.xfail(strict=True, reason=reason)
                        params.append(
                            pytest.param(
                                op_name, inputs, variant, compared, unsafe, id=test_id, marks=marks
                            )
                        )
    return params


def _to_tf(value, is_input: bool):
    if is_input:
        if isinstance(value, list):
            return [_to_tf(v, True) for v in value]
        return tf_real.constant(value)
    if isinstance(value, dtypes.DType):
        return tf_real.as_dtype(value.name)
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], dtypes.DType):
        return [tf_real.as_dtype(v.name) for v in value]
    return value


def _to_tfx(value, is_input: bool):
    if is_input and isinstance(value, list):
        return [tfx.constant(v) for v in value]
    return tfx.constant(value) if is_input else value


def _outcome(call):
    """('ok', [arrays]) or ('error', error class name)."""
    try:
        result = call()
    except Exception as error:  # the class is what is compared
        return "error", type(error).__name__, str(error).splitlines()[0][:200]
    return "ok", [np.asarray(t.numpy() if hasattr(t, "numpy") else t) for t in _flat(result)], ""


def _run_tf(op_name, inputs, kwargs):
    arguments = {k: _to_tf(v, k in inputs) for k, v in kwargs.items()}
    return _outcome(lambda: getattr(tf_real.raw_ops, op_name)(**arguments))


def _run_tfx_eager(op_name, inputs, kwargs):
    arguments = {k: _to_tfx(v, k in inputs) for k, v in kwargs.items()}
    return _outcome(lambda: getattr(tfx.raw_ops, op_name)(**arguments))


def _run_tfx_unknown_shapes(op_name, inputs, kwargs):
    """The call traced with every tensor input of unknown shape, so only its kernel checks."""
    keys = sorted(inputs & kwargs.keys())
    layout = [(k, len(kwargs[k]) if isinstance(kwargs[k], list) else None) for k in keys]
    flat = [
        tfx.constant(v)
        for k in keys
        for v in (kwargs[k] if isinstance(kwargs[k], list) else [kwargs[k]])
    ]
    attrs = {k: v for k, v in kwargs.items() if k not in inputs}

    def call(*tensors):
        arguments, position = dict(attrs), 0
        for key, count in layout:
            if count is None:
                arguments[key] = tensors[position]
                position += 1
            else:
                arguments[key] = list(tensors[position : position + count])
                position += count
        return _flat(getattr(tfx.raw_ops, op_name)(**arguments))

    signature = [tfx.TensorSpec(None, t.dtype) for t in flat]
    return _outcome(lambda: tfx.function(call, input_signature=signature, autograph=False)(*flat))


def _same(theirs, ours, compared=None) -> str | None:
    """Why the two outcomes differ, or None; values of the first `compared` outputs only."""
    if theirs[0] != ours[0]:
        detail = theirs[2] if theirs[0] == "error" else ours[2]
        return f"TF {theirs[0]} {theirs[1] if theirs[0] == 'error' else ''}, ours {ours[0]} {ours[1] if ours[0] == 'error' else ''}: {detail}"
    if theirs[0] == "error":
        if theirs[1] != ours[1]:
            return f"TF raises {theirs[1]} ({theirs[2]}), ours {ours[1]} ({ours[2]})"
        return None
    if len(theirs[1]) != len(ours[1]):
        return f"{len(theirs[1])} outputs vs ours {len(ours[1])}"
    for index, (real, mine) in enumerate(zip(theirs[1], ours[1])):
        if real.shape != mine.shape or real.dtype != mine.dtype:
            return f"TF {real.dtype}{list(real.shape)} vs ours {mine.dtype}{list(mine.shape)}"
        if compared is not None and index >= compared:
            continue
        if real.dtype.kind in "fc":
            if not np.allclose(real, mine, rtol=1e-4, atol=1e-4, equal_nan=True):
                return "values differ"
        elif not np.array_equal(real, mine):
            return "values differ"
    return None


@pytest.mark.parametrize(("op_name", "inputs", "kwargs", "compared", "unsafe"), _variants())
def test_bad_input_shape_as_tf(op_name, inputs, kwargs, compared, unsafe):
    if unsafe:
        theirs = ("error", "InvalidArgumentError", "(not run in TF: its kernel is unsafe here)")
    else:
        theirs = _run_tf(op_name, inputs, kwargs)
    if theirs[0] == "error" and any(limit in theirs[2] for limit in _TF_CPU_LIMITS):
        pytest.skip(f"TF's CPU kernels refuse this call: {theirs[2]}")
    eager = _same(theirs, _run_tfx_eager(op_name, inputs, kwargs), compared)
    traced = _same(theirs, _run_tfx_unknown_shapes(op_name, inputs, kwargs), compared)
    assert eager is None and traced is None, f"eager: {eager}; unknown shapes: {traced}"
