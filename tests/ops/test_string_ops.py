"""String ops (tf.strings, tf.io base64): TF's values, dtypes, shapes and errors.

String ops have no OpSpec rows: their outputs are strings (or come from strings), which the
table's numeric comparison and gradient checks can't handle, and strings have no gradients;
these tests compare exact bytes instead.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import lookup
from tensorflux._src.ops import string_ops
from tensorflux._src.ops.string_ops import as_string
from tensorflux.strings import as_string as strings_as_string


def _text(tensor):
    return tensor.numpy().tolist()


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.5, {}, b"1.500000"),
        (3, {}, b"3"),
        (True, {}, b"true"),
        (False, {"width": 6}, b"false"),
        (3.14159, {"precision": 2}, b"3.14"),
        (3.5, {"scientific": True}, b"3.500000e+00"),
        (3.5, {"shortest": True}, b"3.5"),
        (1e-7, {"shortest": True}, b"1e-07"),
        (123456789.0, {"shortest": True}, b"1.23457e+08"),
        (7, {"width": 4}, b"   7"),
        (7, {"width": 4, "fill": "0"}, b"0007"),
        (-5, {"width": 4, "fill": "0"}, b"-005"),
        (5, {"width": 4, "fill": "+"}, b"  +5"),
        (5, {"width": 4, "fill": "-"}, b"5   "),
        (2.5, {"fill": "#", "precision": 0}, b"2."),
        ("a", {"width": 4}, b"   a"),
        (5, {"width": -3}, b"5"),
    ],
)
def test_formats_like_tf(value, kwargs, expected):
    assert as_string(value, **kwargs).numpy() == expected


def test_dtypes_and_shapes():
    got = as_string(tf.constant([[1, 2], [3, 4]], tf.int64))
    assert got.dtype == tf.string and got.shape == (2, 2)
    assert _text(got) == [[b"1", b"2"], [b"3", b"4"]]
    assert as_string(tf.constant(3, tf.uint8)).numpy() == b"3"
    assert as_string(tf.constant(2**63 - 1, tf.int64)).numpy() == b"9223372036854775807"
    assert as_string(tf.constant(3.5, tf.float16)).numpy() == b"3.500000"
    assert as_string(tf.constant(3.5, tf.bfloat16)).numpy() == b"3.500000"
    # float32 values print exactly, as C's printf prints them after promotion to double
    assert _text(as_string(tf.constant([-2.25e10], tf.float32))) == [b"-22499999744.000000"]
    assert as_string(tf.zeros([0, 3])).shape == (0, 3)


def test_special_floats_and_complex():
    values = tf.constant([float("nan"), -float("nan"), float("inf"), -float("inf"), -0.0])
    assert _text(as_string(values)) == [b"nan", b"-nan", b"inf", b"-inf", b"-0.000000"]
    complex_value = tf.constant([1 + 2j], tf.complex128)
    assert _text(as_string(complex_value)) == [b"(1.000000,2.000000)"]
    assert _text(as_string(complex_value, precision=1, width=5)) == [b"(  1.0,  2.0)"]


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (3, {"precision": 2}, "precision not supported for datatype int32"),
        (True, {"precision": 2}, "precision not supported for datatype bool"),
        (3, {"fill": "ab"}, "Fill string must be one or fewer characters"),
        (
            3,
            {"scientific": True},
            "scientific and shortest format not supported for datatype int32",
        ),
        (3.0, {"scientific": True, "shortest": True}, "Cannot select both scientific and shortest"),
        (5, {"fill": "x"}, 'Fill argument not supported: "x"'),
    ],
)
def test_errors(value, kwargs, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        as_string(value, **kwargs)


def test_exported_in_tf_strings_and_works_in_a_graph():
    assert strings_as_string is as_string

    @tf.function
    def convert(x):
        return as_string(x, precision=1)

    got = convert(tf.constant([0.25, 1.0]))
    assert got.shape == (2,) and _text(got) == [b"0.2", b"1.0"]
    assert convert.get_concrete_function(tf.constant([0.25])).structured_outputs.dtype == tf.string


# ---- the other string ops: values, dtypes, shapes, errors (checked against TF 2.21) -----------


def _strings(*items):
    """A string tensor holding exactly these bytes (str items are UTF-8 encoded)."""
    encoded = [item.encode() if isinstance(item, str) else item for item in items]
    return tf.constant(np.array(encoded, dtype=object))


_HASH_ITEMS = [b"", b"a", b"hello", b"a" * 17, bytes(range(40)), bytes(range(100))]
_HASH_ITEMS.append(bytes(range(256)) * 3)


def test_fingerprint64_siphash_and_legacy_hash_values():
    assert [string_ops.fingerprint64(s) for s in _HASH_ITEMS] == [
        11160318154034397263, 12917804110809363939, 13009744463427800296, 17591810127221272131,
        645241335607543436, 4395248839964844437, 2092031361577642528,
    ]  # fmt: skip
    big = 2**63 - 1
    assert [string_ops.siphash24(7, 9, s) % big for s in _HASH_ITEMS] == [
        5927231634315151164, 5616560281583610351, 9060401503044493963, 7234680209868676285,
        2605798228619797938, 9083610405717234244, 8698244745549355252,
    ]  # fmt: skip
    assert [string_ops.legacy_hash64(s) % big for s in _HASH_ITEMS] == [
        105434511174508092, 2996632905371535868, 5943547241907780938, 8431251498204582670,
        6740306858838777969, 5692880341828007149, 3554246068788479650,
    ]  # fmt: skip


def test_hash_bucket_ops():
    words = tf.constant([["hello", ""]])
    fast = string_ops.to_hash_bucket_fast(words, 1000)
    assert fast.dtype == tf.int64 and fast.shape == (1, 2) and _text(fast) == [[296, 263]]
    assert _text(string_ops.to_hash_bucket(words, 1000)) == [[938, 899]]
    assert _text(string_ops.to_hash_bucket_strong(words, 1000, [1, 2])) == [[622, 435]]
    assert _text(string_ops.to_hash_bucket_strong(["a"], 10, [-1, 2])) == [0]  # keys are uint64
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Key must have 2 elements"):
        string_ops.to_hash_bucket_strong(["a"], 10, [1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be at least minimum 1"):
        string_ops.to_hash_bucket_fast(["a"], 0)
    assert tf.strings.to_hash_bucket_fast is string_ops.to_hash_bucket_fast


def test_length():
    words = _strings(b"\xff\x80a", "héllo", "")
    assert _text(string_ops.length(words)) == [3, 6, 0]
    got = string_ops.length(words, unit="UTF8_CHAR")
    assert got.dtype == tf.int32 and _text(got) == [2, 5, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"attr 'unit' of \"X\".*StringLength"):
        string_ops.length(words, unit="X")


def test_substr():
    assert _text(string_ops.substr(["hello", "ab"], -2, 5)) == [b"lo", b"ab"]
    assert _text(string_ops.substr(["hello"], 1, -1)) == [b"ello"]
    assert _text(string_ops.substr(["hello", "world"], [1, 2], [2, 3])) == [b"el", b"rld"]
    assert _text(string_ops.substr(_strings("héllo"), 1, 2, unit="UTF8_CHAR")) == [b"\xc3\xa9l"]
    assert _text(string_ops.substr(_strings("héllo"), 1, -1, unit="UTF8_CHAR")) == [b""]
    got = string_ops.substr([["ab", "cd"]], tf.constant(1, tf.int64), tf.constant(1, tf.int64))
    assert got.shape == (1, 2) and _text(got) == [[b"b", b"d"]]
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"pos 3 out of range for string b'ab' at index 1 \[Op:Substr\]",
    ):
        string_ops.substr(["hello", "ab"], 3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos 6 out of range for string at"):
        string_ops.substr(_strings("héllo"), 6, 1, unit="UTF8_CHAR")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"same shape, got: \[2\] vs. \[\]"):
        string_ops.substr(["hello", "world"], [1, 2], 2)


def test_join_and_reduce_join():
    assert _text(string_ops.join([["a", "b"], "c"], separator="-")) == [b"a-c", b"b-c"]
    assert string_ops.join([]).numpy() == b""
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Input shapes do not match: \[2\] vs. \[3\]"
    ):
        string_ops.join([["a", "b"], ["c", "d", "e"]])
    grid = [["a", "b"], ["c", "d"]]
    assert _text(string_ops.reduce_join(grid, axis=1, separator=",")) == [b"a,b", b"c,d"]
    assert string_ops.reduce_join(grid).numpy() == b"abcd"
    assert string_ops.reduce_join(grid, axis=[0, 1]).numpy() == b"acbd"  # first axis fastest
    kept = string_ops.reduce_join(grid, axis=0, keepdims=True)
    assert kept.shape == (1, 2) and _text(kept) == [[b"ac", b"bd"]]
    assert _text(string_ops.reduce_join(tf.zeros([2, 0], tf.string), axis=1)) == [b"", b""]
    with pytest.raises(
        tf.errors.OutOfRangeError, match="Invalid reduction dimension 2 for input with 2 dimension"
    ):
        string_ops.reduce_join(grid, axis=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate reduction dimension 1"):
        string_ops.reduce_join(grid, axis=[1, -1])


def test_regex_full_match_and_replace():
    matched = string_ops.regex_full_match(["abc", "ab"], "a.c")
    assert matched.dtype == tf.bool and _text(matched) == [True, False]
    assert _text(string_ops.regex_full_match(["abc"], tf.constant("a.c"))) == [True]
    assert _text(string_ops.regex_full_match(["a\n"], "a$")) == [False]  # RE2: $ ends the text
    assert _text(string_ops.regex_full_match(["٣"], r"\d")) == [False]  # RE2's \d is ASCII
    assert _text(string_ops.regex_full_match(_strings("héllo"), r"\pL+")) == [True]
    assert _text(string_ops.regex_full_match(["x1"], "[[:alpha:]][[:digit:]]")) == [True]
    assert _text(string_ops.regex_replace(["abxd"], "x*", "-")) == [b"-a-b-d-"]
    swapped = string_ops.regex_replace(["hello world"], r"(\w+) (\w+)", r"\2 \1 \0 \\")
    assert _text(swapped) == [b"world hello hello world \\"]
    assert _text(string_ops.regex_replace(["aaa"], "a", "b", replace_global=False)) == [b"baa"]
    assert _text(string_ops.regex_replace(_strings("héllo"), ".", "x")) == [b"xxxxx"]
    assert _text(string_ops.regex_replace(["hello"], "(h)", r"\2")) == [b"hello"]
    dynamic = string_ops.regex_replace(["hello"], tf.constant("l"), tf.constant("L"))
    assert _text(dynamic) == [b"heLLo"]
    for pattern, message in [
        ("a(c", "Invalid pattern: a\\(c, error: missing \\)"),
        (r"(a)\1", r"invalid escape sequence: \\1"),
        ("a(?=b)", r"invalid perl operator: \(\?="),
    ]:
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            string_ops.regex_full_match(["a"], pattern)


def test_strip_lower_upper():
    assert _text(string_ops.strip([" \t a b \n\x0b\x0c"])) == [b"a b"]
    assert _text(string_ops.lower(_strings("HÉLLO"))) == [b"h\xc3\x89llo"]
    assert _text(string_ops.lower(_strings("HÉLLO"), encoding="utf-8")) == [b"h\xc3\xa9llo"]
    assert _text(string_ops.upper(_strings("straße"), encoding="utf-8")) == [b"STRASSE"]
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"only utf-8 or '' .* received latin1"
    ):
        string_ops.upper(["x"], encoding="latin1")


def test_to_number():
    got = string_ops.to_number([" 12 ", "1e3", "0x10", "-inf"])
    assert got.dtype == tf.float32 and _text(got) == [12.0, 1000.0, 16.0, -np.inf]
    assert np.isnan(string_ops.to_number(["-nan"], tf.float64).numpy()[0])
    ints = string_ops.to_number([["+7", " -5"]], tf.int64)
    assert ints.dtype == tf.int64 and ints.shape == (1, 2) and _text(ints) == [[7, -5]]
    assert string_ops.to_number(["3.4e39"]).numpy()[0] == np.inf
    for text, out_type in [("1_0", tf.float32), ("1.5", tf.int32), ("99999999999", tf.int32)]:
        with pytest.raises(
            tf.errors.InvalidArgumentError, match=f"could not correctly convert string: {text}"
        ):
            string_ops.to_number([text], out_type)
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'out_type' of int8"):
        string_ops.to_number(["1"], tf.int8)


def test_base64():
    encoded = string_ops.encode_base64(_strings(b"\xff\xfe\xfdab", b""))
    assert _text(encoded) == [b"__79YWI", b""]
    assert _text(string_ops.encode_base64(_strings(b"\xff\xfe\xfdab"), pad=True)) == [b"__79YWI="]
    decoded = string_ops.decode_base64(["__79YWI", "__79YWI=", "YQ==", "YQ"])
    assert _text(decoded) == [b"\xff\xfe\xfdab", b"\xff\xfe\xfdab", b"a", b"a"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid character found in base64"):
        string_ops.decode_base64(["a+b"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot be 1 modulo 4"):
        string_ops.decode_base64(["a"])


def test_unicode_decode_components():
    values, splits = string_ops.unicode_decode_components(_strings("héllo", b"a\xffb", ""), "UTF-8")
    assert values.dtype == tf.int32 and splits.dtype == tf.int64
    assert _text(values) == [104, 233, 108, 108, 111, 97, 65533, 98]
    assert _text(splits) == [0, 5, 8, 8]
    values, starts, splits = string_ops.unicode_decode_with_offsets_components(
        _strings("hé", b"\xe2\x82x"), "UTF-8"
    )
    assert _text(values) == [104, 233, 65533, 120] and _text(starts) == [0, 1, 0, 2]
    values, _ = string_ops.unicode_decode_components(
        _strings(b"a\xffb\x01"), "UTF-8", errors="ignore", replace_control_characters=True
    )
    assert _text(values) == [97, 98]
    values, _ = string_ops.unicode_decode_components(
        _strings(b"\x00a\xd8\x3d\xde\x00"), "UTF-16-BE"
    )
    assert _text(values) == [97, 0x1F600]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid formatting on input string"):
        string_ops.unicode_decode_components(_strings(b"a\xff"), "UTF-8", errors="strict")
    chars, splits = string_ops.unicode_split_components(_strings("hé", b"a\xff"), "UTF-8")
    assert _text(chars) == [b"h", b"\xc3\xa9", b"a", b"\xef\xbf\xbd"]
    assert _text(splits) == [0, 2, 4]


def test_unicode_encode_and_transcode():
    encoded = string_ops.unicode_encode([[104, 233], [0x1F600, -1]], "UTF-8")
    assert encoded.shape == (2,) and _text(encoded) == [
        b"h\xc3\xa9",
        b"\xf0\x9f\x98\x80\xef\xbf\xbd",
    ]
    assert string_ops.unicode_encode([104, 233], "UTF-16-BE").numpy() == b"\x00h\x00\xe9"
    assert string_ops.unicode_encode(tf.zeros([2, 0, 3], tf.int32), "UTF-8").shape == (2, 0)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="out of range for Unicode, or is a surrogate"
    ):
        string_ops.unicode_encode([104, 0x110000], "UTF-8", errors="strict")
    with pytest.raises(ValueError, match="rank must be at least 1"):
        string_ops.unicode_encode(5, "UTF-8")
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="attr 'output_encoding' of \"LATIN9\""
    ):
        string_ops.unicode_encode([1], "LATIN9")
    transcoded = string_ops.unicode_transcode(_strings("hé", b"a\xffb"), "UTF-8", "UTF-16-BE")
    assert _text(transcoded) == [b"\x00h\x00\xe9", b"\x00a\xff\xfd\x00b"]
    latin = string_ops.unicode_transcode(_strings(b"\xe9"), "ISO-8859-1", "UTF-8")
    assert _text(latin) == [b"\xc3\xa9"]


def test_split_components():
    values, splits = string_ops.split_components(["a b  c", " x "])
    assert _text(values) == [b"a", b"b", b"c", b"x"] and _text(splits) == [0, 3, 4]
    assert splits.dtype == tf.int64
    values, splits = string_ops.split_components(["a,b,,c", ""], sep=",", maxsplit=1)
    assert _text(values) == [b"a", b"b,,c", b""] and _text(splits) == [0, 2, 3]
    values, splits = string_ops.split_components(["one", " x "], maxsplit=1)
    assert _text(values) == [b"one", b"", b"x", b""] and _text(splits) == [0, 2, 4]
    words, whitespace = tf.constant(["a b", "c"]), tf.constant("")
    indices, values, shape = apply(
        string_ops.STRING_SPLIT_V2, (words, whitespace), {"maxsplit": -1}
    )
    assert _text(indices) == [[0, 0], [0, 1], [1, 0]] and _text(shape) == [2, 2]
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"input must be a vector, got shape: \[1,1\]"
    ):
        string_ops.split_components([["a"]])
    values, splits = string_ops.bytes_split_components(_strings("hé", ""))
    assert _text(values) == [b"h", b"\xc3", b"\xa9"] and _text(splits) == [0, 3, 3]


def test_ngrams_components():
    grams, splits = string_ops.ngrams_components(
        ["a", "b", "c", "d", "e"], [0, 3, 5], [2, 3], pad_values=("L", "R"), padding_width=1
    )
    assert _text(grams) == [
        b"L a", b"a b", b"b c", b"c R", b"L a b", b"a b c", b"b c R",
        b"L d", b"d e", b"e R", b"L d e", b"d e R",
    ]  # fmt: skip
    assert _text(splits) == [0, 7, 12] and splits.dtype == tf.int64
    grams, splits = string_ops.ngrams_components(
        ["a", "b", "c"], tf.constant([0, 1, 3], tf.int32), 3, preserve_short_sequences=True
    )
    assert _text(grams) == [b"a", b"b c"] and splits.dtype == tf.int32
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Invalid split value 3, must be in \[0, 2\]"
    ):
        string_ops.ngrams_components(["a", "b"], [0, 3], 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="First split value must be 0, got 1"):
        string_ops.ngrams_components(["a", "b"], [1, 2], 2)
    with pytest.raises(ValueError, match="padding_width must be None if pad_values is None"):
        string_ops.ngrams_components(["a"], [0, 1], 2, padding_width=1)


def test_op_names_and_graph_shapes():
    for name in [
        "StringLength", "Substr", "StringJoin", "ReduceJoin", "RegexFullMatch",
        "StaticRegexFullMatch", "RegexReplace", "StaticRegexReplace", "StringStrip", "StringLower",
        "StringUpper", "StringToNumber", "EncodeBase64", "DecodeBase64", "UnicodeDecode",
        "UnicodeDecodeWithOffsets", "UnicodeEncode", "UnicodeTranscode", "StringSplitV2",
        "StringSplit", "StringNGrams", "StringToHashBucketFast", "StringToHashBucketStrong",
        "StringToHashBucket",
    ]:  # fmt: skip
        assert lookup(name).name == name

    @tf.function
    def pipeline(words):
        values, splits = string_ops.split_components(words)
        return (
            string_ops.length(words),
            string_ops.reduce_join(words, axis=0, keepdims=True),
            string_ops.to_hash_bucket_fast(words, 10),
            string_ops.regex_replace(words, "a", "A"),
            values,
            splits,
        )

    spec = tf.TensorSpec([None], tf.string)
    outputs = pipeline.get_concrete_function(spec).structured_outputs
    assert outputs[0].dtype == tf.int32 and outputs[0].shape.as_list() == [None]
    assert outputs[1].shape.as_list() == [1] and outputs[2].dtype == tf.int64
    lengths, joined, buckets, replaced, values, splits = pipeline(tf.constant(["a b", "c"]))
    assert _text(lengths) == [3, 1] and _text(joined) == [b"a bc"]
    assert _text(buckets) == [7, 2] and _text(replaced) == [b"A b", b"c"]
    assert _text(values) == [b"a", b"b", b"c"] and _text(splits) == [0, 2, 3]


def test_public_names():
    for name in [
        "length", "substr", "join", "reduce_join", "regex_full_match", "regex_replace", "strip",
        "lower", "upper", "to_number", "unicode_encode", "unicode_transcode", "to_hash_bucket",
        "to_hash_bucket_fast", "to_hash_bucket_strong",
    ]:  # fmt: skip
        assert getattr(tf.strings, name) is getattr(string_ops, name)
    assert tf.strings.format("x={}", 3).numpy() == b"x=3"


def test_input_dtype_and_rank_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"cannot compute StringLength as input #0\(zero-based\) was expected to be a string tensor but is a int32 tensor"):  # fmt: skip
        string_ops.length(tf.constant(3))
    with pytest.raises(TypeError, match="Cannot convert 3 to EagerTensor of dtype string"):
        string_ops.join(["a", 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input #1\(zero-based\)"):
        string_ops.join(["a", tf.constant(3)])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="attr 'T' of float is not in the list"
    ):
        string_ops.substr(["a"], 0.5, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a int32 tensor but is a int64"):  # fmt: skip
        string_ops.substr(["a"], 0, tf.constant(1, tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Pattern must be scalar, but received \[2\]"):  # fmt: skip
        string_ops.regex_full_match(["a"], tf.constant(["a", "b"]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Rewrite must be scalar, but received \[2\]"):  # fmt: skip
        string_ops.regex_replace(["a"], tf.constant("a"), tf.constant(["a", "b"]))


def test_ragged_results_of_split_decode_and_ngrams():
    assert tf.strings.split(["a b", "c  d e", ""]).to_list() == [
        [b"a", b"b"],
        [b"c", b"d", b"e"],
        [],
    ]
    assert tf.strings.split("a b").numpy().tolist() == [b"a", b"b"]
    assert tf.strings.split([["a b"], [""]]).to_list() == [[[b"a", b"b"]], [[]]]
    assert tf.strings.bytes_split(["ab"]).to_list() == [[b"a", b"b"]]
    codes, starts = tf.strings.unicode_decode_with_offsets(["hé"], "UTF-8")
    assert codes.to_list() == [[104, 233]] and starts.to_list() == [[0, 1]]
    assert tf.strings.unicode_split(["hé"], "UTF-8").to_list() == [[b"h", "é".encode()]]
    rows = tf.ragged.constant([["a", "b", "c"], ["d"]])
    assert tf.strings.ngrams(rows, 2).to_list() == [[b"a b", b"b c"], []]

    @tf.function
    def words(lines):
        return tf.strings.split(lines)

    assert words(tf.constant(["x y", "z"])).to_list() == [[b"x", b"y"], [b"z"]]


def test_substr_graph_def_names_the_position_dtype():
    concrete = tf.function(lambda s: tf.strings.substr(s, 1, 2)).get_concrete_function(
        tf.TensorSpec([None], tf.string)
    )
    (node,) = [n for n in concrete.graph.as_graph_def().node if n.op == "Substr"]
    assert node.attr["T"].type == tf.int32.as_datatype_enum
    assert tf.ragged.constant([[1]], dtype="int32").dtype == tf.int32


# ---- unicode_script ---------------------------------------------------------------------------
# ICU UScriptCode values (uscript.h) of hand-picked code points, independent of the table
_SCRIPT_OF = {
    ord("A"): 25,  # Latin
    ord("!"): 0,  # Common
    0x0301: 1,  # combining acute accent: Inherited
    0x0627: 2,  # Arabic
    0x0531: 3,  # Armenian
    0x0416: 8,  # Cyrillic
    0x0905: 10,  # Devanagari
    0x03B1: 14,  # Greek
    0x4E00: 17,  # Han
    0xAC00: 18,  # Hangul
    0x05D0: 19,  # Hebrew
    0x3042: 20,  # Hiragana
    0x30A2: 22,  # Katakana
    0x0E01: 38,  # Thai
    0x0378: 103,  # unassigned: Unknown
    0xE000: 103,  # private use: Unknown
    0xD800: 103,  # surrogate: Unknown
    0x10FFFF: 103,  # noncharacter: Unknown
    -1: -1,  # not a code point: USCRIPT_INVALID_CODE
    0x110000: -1,
}


def _script_reference(codes):
    scripts = [_SCRIPT_OF[c] for c in codes.ravel().tolist()]
    return np.array(scripts, dtype=np.int32).reshape(codes.shape)


def test_unicode_script_table_row():
    from tensorflux._src.testing.opspec import OpSpec, check_op

    code_points = np.array(list(_SCRIPT_OF), dtype=np.int32).reshape(4, 5)
    check_op(
        OpSpec(
            string_ops.unicode_script,
            _script_reference,
            args=lambda rng, dtype: [code_points],
            dtypes=(tf.int32,),
            grad=False,
        )
    )


def test_unicode_script_shapes_and_edges():
    scalar = string_ops.unicode_script(ord("a"))
    assert scalar.dtype == tf.int32 and scalar.shape == () and scalar.numpy() == 25
    assert string_ops.unicode_script(tf.zeros([2, 0, 3], tf.int32)).shape == (2, 0, 3)
    extremes = string_ops.unicode_script(tf.constant([-(2**31), 2**31 - 1, 0, 0x10FFFF]))
    assert extremes.numpy().tolist() == [-1, -1, 0, 103]
    # TF's ICU implements Unicode 13.0: Yezidi (13.0) has a script, Old Uyghur (14.0) does not
    assert string_ops.unicode_script([0x10E80, 0x10F70]).numpy().tolist() == [192, 103]
    assert string_ops.unicode_script(tf.Variable([0x3B1])).numpy().tolist() == [14]
    assert lookup("UnicodeScript").grad is None


def test_unicode_script_table_is_well_formed():
    from tensorflux._src.ops import _unicode_scripts as table

    starts, codes = table.RANGE_STARTS, table.SCRIPT_CODES
    assert starts.dtype == codes.dtype == np.int32 and starts.shape == codes.shape
    assert starts[0] == 0 and starts[-1] == 0x110000 and codes[-1] == -1
    assert (np.diff(starts) > 0).all() and (np.diff(codes) != 0).all()
    assert codes[:-1].min() >= 0 and codes.max() <= 192


def test_unicode_script_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"expected to be a int32 tensor but is a int64 tensor \[Op:UnicodeScript\]"):  # fmt: skip
        string_ops.unicode_script(tf.constant([65], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="but is a string tensor"):
        string_ops.unicode_script(tf.constant(["a"]))
    with pytest.raises(TypeError, match=r"Cannot convert 1\.5 to EagerTensor of dtype int32"):
        string_ops.unicode_script(1.5)
    traced = tf.function(string_ops.unicode_script)
    with pytest.raises(TypeError, match="has type int64 that does not match expected type of int32"):  # fmt: skip
        traced.get_concrete_function(tf.TensorSpec([2], tf.int64))
    concrete = traced.get_concrete_function(tf.TensorSpec([None, 3], tf.int32))
    assert concrete.structured_outputs.shape.as_list() == [None, 3]
    assert traced(tf.constant([[65, 0x3B1, -5]])).numpy().tolist() == [[25, 14, -1]]


def test_unicode_script_on_ragged_codepoints_keeps_the_row_partition():
    scripts = tf.strings.unicode_script(tf.ragged.constant([[65], [66, 0x3B1]]))
    assert scripts.to_list() == [[25], [25, 14]]
