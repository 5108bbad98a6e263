"""Generic tools for parsing, analysing and rewriting Python source; nothing here knows tensors."""
