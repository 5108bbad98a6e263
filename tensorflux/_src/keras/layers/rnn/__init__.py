"""Recurrent layers: cells, the generic `RNN` loop, and the wrappers around them."""
