"""tf.compat.v1.python_io: TF1's home of the TFRecord API."""

from tensorflux._src.io.tfrecord import TFRecordCompressionType as TFRecordCompressionType
from tensorflux._src.io.tfrecord import TFRecordOptions as TFRecordOptions
from tensorflux._src.io.tfrecord import TFRecordWriter as TFRecordWriter
from tensorflux._src.io.tfrecord import tf_record_iterator as tf_record_iterator
