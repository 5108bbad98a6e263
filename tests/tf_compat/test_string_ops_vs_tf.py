"""tf.strings.as_string against real TensorFlow: bytes, dtypes, shapes and error classes."""

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.ops.string_ops import as_string

tf_real = pytest.importorskip("tensorflow")

_VALUES = {
    "float32": [0.0, -1.5, 3.14159, 1e-7, 123456789.0, float("nan"), float("inf")],
    "float64": [0.0, -1.5, 2.0 / 3.0, 1e300, -1e-300, float("-inf")],
    "float16": [0.5, -2.0, 65504.0],
    "int32": [0, -7, 2147483647],
    "int64": [0, -(2**63), 2**62],
    "uint8": [0, 255],
    "int8": [-128, 5],
    "uint16": [65535],
    "bool": [True, False],
    "complex64": [1 + 2j, -0.5j],
}
_OPTIONS = [
    {},
    {"precision": 3},
    {"scientific": True},
    {"shortest": True},
    {"width": 12},
    {"width": 9, "fill": "0"},
    {"width": 9, "fill": "-"},
    {"fill": "+"},
    {"precision": 2, "shortest": True},
    {"fill": "#", "precision": 0},
    {"scientific": True, "shortest": True},
    {"precision": 1, "width": 3, "fill": "x"},
]


@pytest.mark.parametrize("dtype", sorted(_VALUES))
@pytest.mark.parametrize("options", _OPTIONS, ids=str)
def test_as_string_matches_tf(dtype, options):
    values = np.array(_VALUES[dtype], dtype=dtype)
    try:
        want = tf_real.strings.as_string(tf_real.constant(values), **options).numpy()
    except tf_real.errors.InvalidArgumentError:
        with pytest.raises(tfx.errors.InvalidArgumentError):
            as_string(tfx.constant(values), **options)
        return
    got = as_string(tfx.constant(values), **options)
    assert got.dtype == tfx.string and got.shape == want.shape
    assert got.numpy().tolist() == want.tolist()


def test_strings_pass_through_with_width():
    want = tf_real.as_string(tf_real.constant(["a", "bcd"]), width=3).numpy()
    assert as_string(tfx.constant(["a", "bcd"]), width=3).numpy().tolist() == want.tolist()


# ---- the other string ops ---------------------------------------------------------------------
_RNG = np.random.default_rng(7)
_TEXTS = [
    "",
    "a",
    "hello",
    "Hello, World!",
    "  padded\t\n",
    "héllo wörld",
    "日本語のテキスト",
    "emoji 😀 and 👍🏽",
    "ΑΒΓ αβγ",
    "straße",
    "İstanbul",
    "x" * 70,
    "mixed123abc",
    "12",
    "tab\tsep",
    "ctrl\x01\x1f",
]
_RAW = [bytes(_RNG.integers(0, 256, n, dtype=np.uint8)) for n in range(0, 40)]
_CORPUS = [t.encode() for t in _TEXTS] + _RAW
_VALID = [t.encode() for t in _TEXTS]


def _objects(items):
    return np.array(items, dtype=object)


def _both(items):
    array = _objects(items)
    return tfx.constant(array), tf_real.constant(array)


def _same(got, want):
    want = np.asarray(want.numpy() if hasattr(want, "numpy") else want)
    got = np.asarray(got.numpy())
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.tolist() == want.tolist()


def _hash_corpus():
    rng = np.random.default_rng(11)
    items = [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in range(0, 260)]
    items += [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in rng.integers(260, 3000, 40)]
    return items + _CORPUS


@pytest.mark.parametrize("num_buckets", [1, 7, 1000, 2**31 - 1, 2**62 + 3])
def test_hash_buckets_match_tf_exactly(num_buckets):
    ours, theirs = _both(_hash_corpus())
    _same(
        tfx.strings.to_hash_bucket_fast(ours, num_buckets),
        tf_real.strings.to_hash_bucket_fast(theirs, num_buckets),
    )
    _same(
        tfx.strings.to_hash_bucket(ours, num_buckets),
        tf_real.strings.to_hash_bucket(theirs, num_buckets),
    )
    for key in ([0, 0], [1, 2], [-1, 2**62], [123456789, -987654321]):
        _same(
            tfx.strings.to_hash_bucket_strong(ours, num_buckets, key),
            tf_real.strings.to_hash_bucket_strong(theirs, num_buckets, key),
        )


@pytest.mark.parametrize("unit", ["BYTE", "UTF8_CHAR"])
def test_length(unit):
    ours, theirs = _both(_CORPUS)
    _same(tfx.strings.length(ours, unit=unit), tf_real.strings.length(theirs, unit=unit))


def _outcome(function, error_module):
    try:
        return function()
    except error_module.InvalidArgumentError as error:
        return error


@pytest.mark.parametrize("unit", ["BYTE", "UTF8_CHAR"])
@pytest.mark.parametrize("pos", [0, 1, 3, -1, -3, 5, 9])
@pytest.mark.parametrize("size", [0, 1, 2, 4, -1])
def test_substr(unit, pos, size):
    items = [t.encode() for t in ["hello", "héllo wörld", "日本語のテキスト", "ab", "x" * 12]]
    ours, theirs = _both(items)
    want = _outcome(lambda: tf_real.strings.substr(theirs, pos, size, unit=unit), tf_real.errors)
    if isinstance(want, Exception):
        with pytest.raises(tfx.errors.InvalidArgumentError) as caught:
            tfx.strings.substr(ours, pos, size, unit=unit)
        assert caught.value.message.split(" [Op:")[0] in want.message
        return
    _same(tfx.strings.substr(ours, pos, size, unit=unit), want)


def test_substr_with_vectors_and_int64():
    ours, theirs = _both([b"hello", b"world", b"abc"])
    pos, size = np.array([0, 2, 1], np.int64), np.array([2, 3, 5], np.int64)
    _same(tfx.strings.substr(ours, pos, size), tf_real.strings.substr(theirs, pos, size))


@pytest.mark.parametrize("encoding", ["", "utf-8"])
def test_case_and_strip(encoding):
    ours, theirs = _both(_VALID)
    _same(tfx.strings.lower(ours, encoding), tf_real.strings.lower(theirs, encoding))
    _same(tfx.strings.upper(ours, encoding), tf_real.strings.upper(theirs, encoding))
    _same(tfx.strings.strip(ours), tf_real.strings.strip(theirs))


def test_join_and_reduce_join():
    ours, theirs = _both(_CORPUS[:20])
    _same(
        tfx.strings.join([ours, "-", ours], separator="|"),
        tf_real.strings.join([theirs, "-", theirs], separator="|"),
    )
    grid = _objects(_CORPUS[:24]).reshape(2, 3, 4)
    for axis in (None, 0, 1, 2, -1, [0, 2], [2, 0, 1]):
        for keepdims in (False, True):
            _same(
                tfx.strings.reduce_join(tfx.constant(grid), axis, keepdims, separator=", "),
                tf_real.strings.reduce_join(tf_real.constant(grid), axis, keepdims, separator=", "),
            )


_PATTERNS = [
    r"h.*o",
    r"[a-z]+",
    r"\w+",
    r"\d+",
    r".*\s.*",
    r"(?i)HELLO",
    r"[[:alpha:]]+",
    r"[[:digit:][:alpha:]]*",
    r"^a$",
    r"a|b|",
    r".",
    r"..",
    r"x{3,}",
    r"\pL+",
    r"[^a-z]*",
    r"(a)(b)?",
    r"日本.*",
    r"\Ahello\z",
    r"\PL+",
    r"\p{L}+ \p{L}+",
    r"[\d\s]+",
    r"\S+\s\S+",
    r"\w+ \w+",
    r"(a)\1",
    r"a(?=b)",
]


@pytest.mark.parametrize("pattern", _PATTERNS)
def test_regex_full_match(pattern):
    ours, theirs = _both(_VALID)
    want = _outcome(lambda: tf_real.strings.regex_full_match(theirs, pattern), tf_real.errors)
    if isinstance(want, Exception):
        with pytest.raises(tfx.errors.InvalidArgumentError):
            tfx.strings.regex_full_match(ours, pattern)
        return
    _same(tfx.strings.regex_full_match(ours, pattern), want)
    _same(tfx.strings.regex_full_match(ours, tfx.constant(pattern)), want)


@pytest.mark.parametrize(
    ("pattern", "rewrite"),
    [
        (r"l+", "L"),
        (r"x*", "-"),
        (r"", "."),
        (r"(\w)(\w*)", r"\2\1"),
        (r"(o)", r"<\0\1\\>"),
        (r"\s+", " "),
        (r"[aeiou]", ""),
        (r"(a)|(b)", r"[\1\2]"),
        (r"é", "e"),
        (r"$", "!"),
        (r"^", "^"),
        (r"(x)", r"\2"),
    ],
)
@pytest.mark.parametrize("replace_global", [True, False])
def test_regex_replace(pattern, rewrite, replace_global):
    ours, theirs = _both(_VALID)
    want = tf_real.strings.regex_replace(theirs, pattern, rewrite, replace_global)
    _same(tfx.strings.regex_replace(ours, pattern, rewrite, replace_global), want)
    dynamic = tfx.strings.regex_replace(
        ours, tfx.constant(pattern), tfx.constant(rewrite), replace_global
    )
    _same(dynamic, want)


@pytest.mark.parametrize("out_type", ["float32", "float64", "int32", "int64"])
@pytest.mark.parametrize(
    "text",
    ["0", "12", " 12 ", "-7", "+5", "1.5", "-2.5e-3", "1e3", "1E+2", ".5", "5.", "0x1A", "inf",
     "-Infinity", "nan", "-nan", "", " ", "abc", "1_0", "3.4e39", "1e-50", "99999999999",
     "2147483648", "-2147483648", "9223372036854775808", "١٢", "12abc", "0.1"],
)  # fmt: skip
def test_to_number(out_type, text):
    want = _outcome(
        lambda: tf_real.strings.to_number(tf_real.constant([text]), out_type), tf_real.errors
    )
    if isinstance(want, Exception):
        with pytest.raises(tfx.errors.InvalidArgumentError, match="could not correctly convert"):
            tfx.strings.to_number(tfx.constant([text]), out_type)
        return
    got = tfx.strings.to_number(tfx.constant([text]), out_type)
    assert got.dtype.name == out_type
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_base64_round_trip_and_errors():
    from tensorflux._src.ops import string_ops

    ours, theirs = _both(_CORPUS)
    for pad in (False, True):
        want = tf_real.io.encode_base64(theirs, pad=pad)
        _same(string_ops.encode_base64(ours, pad=pad), want)
        _same(string_ops.decode_base64(tfx.constant(want.numpy())), theirs)
    for bad in ["a", "ab=c", "a+b", "a/b", "abc==", "ab==", "abc=", "YQ", "====", "a==="]:
        want = _outcome(lambda bad=bad: tf_real.io.decode_base64([bad]), tf_real.errors)
        if isinstance(want, Exception):
            with pytest.raises(tfx.errors.InvalidArgumentError):
                string_ops.decode_base64([bad])
        else:
            _same(string_ops.decode_base64([bad]), want)


_DECODE_CASES = [
    ("replace", 65533, False),
    ("replace", 63, True),
    ("ignore", 65533, False),
    ("ignore", 65533, True),
    ("strict", 65533, False),
]


@pytest.mark.parametrize(("errors", "replacement", "control"), _DECODE_CASES)
def test_unicode_decode_components(errors, replacement, control):
    from tensorflux._src.ops import string_ops

    truncated = [b"\xe2\x82", b"a\xf0\x9f\x98", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]
    for items in (_VALID, _VALID + _RAW + truncated):
        ours, theirs = _both(items)
        args = ("UTF-8", errors, replacement, control)
        try:
            want = tf_real.strings.unicode_decode_with_offsets(theirs, *args)
        except tf_real.errors.InvalidArgumentError:
            with pytest.raises(tfx.errors.InvalidArgumentError, match="Invalid formatting"):
                string_ops.unicode_decode_components(ours, *args)
            continue
        codes, starts, splits = string_ops.unicode_decode_with_offsets_components(ours, *args)
        _same(codes, want[0].values)
        _same(starts, want[1].values)
        _same(splits, want[0].row_splits)
        codes, splits = string_ops.unicode_decode_components(ours, *args)
        _same(codes, want[0].values)
        chars, splits = string_ops.unicode_split_components(ours, "UTF-8", errors, replacement)
        expected = tf_real.strings.unicode_split(theirs, "UTF-8", errors, replacement)
        _same(chars, expected.values)
        _same(splits, expected.row_splits)


@pytest.mark.parametrize("source", ["UTF-16-BE", "UTF-32-BE"])
def test_unicode_decode_other_encodings(source):
    from tensorflux._src.ops import string_ops

    codec = source.lower()
    items = [t.encode(codec) for t in _TEXTS] + [b"\x00a\x00", b"\xd8\x00\x00a", b"\x00\x00\xd8"]
    ours, theirs = _both(items)
    want = tf_real.strings.unicode_decode_with_offsets(theirs, source)
    codes, starts, splits = string_ops.unicode_decode_with_offsets_components(ours, source)
    _same(codes, want[0].values)
    _same(starts, want[1].values)
    _same(splits, want[0].row_splits)


@pytest.mark.parametrize("target", ["UTF-8", "UTF-16-BE", "UTF-32-BE"])
@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_unicode_transcode_and_encode(target, errors):
    ours, theirs = _both(_VALID + _RAW)
    _same(
        tfx.strings.unicode_transcode(ours, "UTF-8", target, errors, 65533, True),
        tf_real.strings.unicode_transcode(theirs, "UTF-8", target, errors, 65533, True),
    )
    codes = np.array(
        [[104, 233, 0x1F600, 0x10FFFF], [0xD800, -5, 0x110000, 0], [65, 66, 67, 0xDFFF]], np.int32
    )
    _same(
        tfx.strings.unicode_encode(tfx.constant(codes), target, errors, 63),
        tf_real.strings.unicode_encode(tf_real.constant(codes), target, errors, 63),
    )
    _same(
        tfx.strings.unicode_encode(tfx.constant(codes.reshape(3, 2, 2)), target, errors),
        tf_real.strings.unicode_encode(tf_real.constant(codes.reshape(3, 2, 2)), target, errors),
    )


@pytest.mark.parametrize("sep", [None, " ", ",", "ab", "  "])
@pytest.mark.parametrize("maxsplit", [-1, 0, 1, 2])
def test_split_components(sep, maxsplit):
    from tensorflux._src.ops import string_ops

    items = [b"a b  c", b" x ", b"", b"a,b,,c,", b"abcabab", b"  lead", b"\tt\nn ", b"one"]
    ours, theirs = _both(items)
    want = tf_real.strings.split(theirs, sep=sep, maxsplit=maxsplit)
    values, splits = string_ops.split_components(ours, sep=sep, maxsplit=maxsplit)
    _same(values, want.values)
    _same(splits, want.row_splits)


def test_bytes_split_components():
    from tensorflux._src.ops import string_ops

    ours, theirs = _both(_CORPUS)
    want = tf_real.strings.bytes_split(theirs)
    values, splits = string_ops.bytes_split_components(ours)
    _same(values, want.values)
    _same(splits, want.row_splits)


@pytest.mark.parametrize(
    "options",
    [
        {"ngram_width": 2},
        {"ngram_width": (1, 3)},
        {"ngram_width": 3, "separator": "_"},
        {"ngram_width": 2, "pad_values": "#"},
        {"ngram_width": 4, "pad_values": ("<", ">")},
        {"ngram_width": 4, "pad_values": ("<", ">"), "padding_width": 1},
        {"ngram_width": (2, 5), "pad_values": ("<", ">"), "padding_width": 2},
        {"ngram_width": 4, "preserve_short_sequences": True},
        {"ngram_width": 5, "pad_values": "#", "padding_width": 1, "preserve_short_sequences": True},
    ],
    ids=str,
)
def test_ngrams_components(options):
    from tensorflux._src.ops import string_ops

    tokens = [b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h"]
    row_splits = [0, 1, 1, 4, 8]
    want = tf_real.strings.ngrams(
        tf_real.RaggedTensor.from_row_splits(tokens, np.array(row_splits, np.int64)), **options
    )
    grams, splits = string_ops.ngrams_components(
        tfx.constant(_objects(tokens)), np.array(row_splits, np.int64), **options
    )
    _same(grams, want.values)
    _same(splits, want.row_splits)


RAGGED_RESULTS = {
    "split": lambda tf: tf.strings.split(["a b", "c  d e", ""]).to_list(),
    "split scalar": lambda tf: tf.strings.split("a b").numpy().tolist(),
    "split matrix": lambda tf: tf.strings.split([["a b", "c"], ["d", ""]]).to_list(),
    "split sep": lambda tf: tf.strings.split(["a,b,,c"], sep=",").to_list(),
    "split maxsplit": lambda tf: tf.strings.split(["a b c"], maxsplit=1).to_list(),
    "bytes_split": lambda tf: tf.strings.bytes_split(["ab", ""]).to_list(),
    "unicode_decode": lambda tf: tf.strings.unicode_decode(["hé", "x"], "UTF-8").to_list(),
    "unicode_decode scalar": lambda tf: tf.strings.unicode_decode("hé", "UTF-8").numpy().tolist(),
    "unicode_decode_with_offsets": lambda tf: [
        r.to_list() for r in tf.strings.unicode_decode_with_offsets(["hé", "abc"], "UTF-8")
    ],
    "unicode_split": lambda tf: tf.strings.unicode_split(["hé"], "UTF-8").to_list(),
    "unicode_split_with_offsets": lambda tf: [
        r.to_list() for r in tf.strings.unicode_split_with_offsets(["hé"], "UTF-8")
    ],
    "ngrams ragged": lambda tf: tf.strings.ngrams(
        tf.ragged.constant([["a", "b", "c"], ["d"]]), 2
    ).to_list(),
    "ngrams vector": lambda tf: tf.strings.ngrams(tf.constant(["a", "b", "c"]), 2).numpy().tolist(),
    "ngrams matrix": lambda tf: (
        tf.strings.ngrams(tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2).numpy().tolist()
    ),
    "ngrams padded widths": lambda tf: tf.strings.ngrams(
        tf.ragged.constant([["a", "b", "c"], ["d"]]), [1, 2], pad_values="#"
    ).to_list(),
}


@pytest.mark.parametrize("label", sorted(RAGGED_RESULTS))
def test_ragged_results_match(label):
    assert RAGGED_RESULTS[label](tfx) == RAGGED_RESULTS[label](tf_real)
