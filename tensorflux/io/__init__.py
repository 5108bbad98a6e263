"""tf.io: files, TFRecords, tf.train.Example parsing and byte decoders."""

from tensorflux._src.io.tfrecord import TFRecordOptions as TFRecordOptions
from tensorflux._src.io.tfrecord import TFRecordWriter as TFRecordWriter
from tensorflux._src.ops.decode_ops import decode_compressed as decode_compressed
from tensorflux._src.ops.decode_ops import decode_csv as decode_csv
from tensorflux._src.ops.decode_ops import decode_raw as decode_raw
from tensorflux._src.ops.decode_ops import deserialize_many_sparse as deserialize_many_sparse
from tensorflux._src.ops.decode_ops import parse_tensor as parse_tensor
from tensorflux._src.ops.decode_ops import serialize_many_sparse as serialize_many_sparse
from tensorflux._src.ops.decode_ops import serialize_sparse as serialize_sparse
from tensorflux._src.ops.decode_ops import serialize_tensor as serialize_tensor
from tensorflux._src.ops.file_ops import matching_files as matching_files
from tensorflux._src.ops.file_ops import read_file as read_file
from tensorflux._src.ops.file_ops import write_file as write_file
from tensorflux._src.ops.image_codec_ops import decode_bmp as decode_bmp
from tensorflux._src.ops.image_codec_ops import decode_gif as decode_gif
from tensorflux._src.ops.image_codec_ops import decode_image as decode_image
from tensorflux._src.ops.image_codec_ops import decode_jpeg as decode_jpeg
from tensorflux._src.ops.image_codec_ops import decode_png as decode_png
from tensorflux._src.ops.image_codec_ops import encode_jpeg as encode_jpeg
from tensorflux._src.ops.image_codec_ops import encode_png as encode_png
from tensorflux._src.ops.image_codec_ops import extract_jpeg_shape as extract_jpeg_shape
from tensorflux._src.ops.image_codec_ops import is_jpeg as is_jpeg
from tensorflux._src.ops.parsing_ops import FixedLenFeature as FixedLenFeature
from tensorflux._src.ops.parsing_ops import FixedLenSequenceFeature as FixedLenSequenceFeature
from tensorflux._src.ops.parsing_ops import RaggedFeature as RaggedFeature
from tensorflux._src.ops.parsing_ops import SparseFeature as SparseFeature
from tensorflux._src.ops.parsing_ops import VarLenFeature as VarLenFeature
from tensorflux._src.ops.parsing_ops import parse_example as parse_example
from tensorflux._src.ops.parsing_ops import parse_sequence_example as parse_sequence_example
from tensorflux._src.ops.parsing_ops import parse_single_example as parse_single_example
from tensorflux._src.ops.parsing_ops import (
    parse_single_sequence_example as parse_single_sequence_example,
)
from tensorflux._src.ops.string_ops import decode_base64 as decode_base64
from tensorflux._src.ops.string_ops import encode_base64 as encode_base64
from tensorflux.io import gfile as gfile
