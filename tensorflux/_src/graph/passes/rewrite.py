"""Rewiring helpers shared by the passes."""

from __future__ import annotations


def replace_uses(graph, replacements: dict, outputs: list) -> list:
    """Points every input (and output) that is a key of `replacements` (by id) to its value."""
    if not replacements:
        return outputs
    for node in graph.nodes:
        node.inputs = [replacements.get(id(t), t) for t in node.inputs]
    return [replacements.get(id(t), t) for t in outputs]
