"""TensorFlow's protobuf messages, declared in our own package with TF's field numbers.

Wire compatibility needs only the numbers, so files we write are read by TF and vice versa,
and a real TensorFlow imported in the same process never clashes with these declarations.
The protobuf runtime is imported when a message is first needed, never at `import tensorflux`.
"""
