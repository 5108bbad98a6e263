"""tf.autograph.experimental: conversion options and directives."""

from tensorflux._src.autograph.api import Feature as Feature
from tensorflux._src.autograph.api import do_not_convert as do_not_convert
from tensorflux._src.autograph.api import set_loop_options as set_loop_options
