"""The op library: one module per op family; each op is one block (kernel, shape rule, gradient).

Importing this package registers every op and installs the Tensor and Variable operators.
"""
