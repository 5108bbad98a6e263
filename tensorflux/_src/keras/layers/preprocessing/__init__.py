"""Preprocessing layers: rescaling, normalization, resizing, cropping and image augmentation."""
