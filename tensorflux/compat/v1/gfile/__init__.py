"""tf.compat.v1.gfile: TF1's CamelCase names for tf.io.gfile."""

# ruff: noqa: N812 (TF1 spells these functions in CamelCase)

from tensorflux._src.io.gfile import FastGFile as FastGFile
from tensorflux._src.io.gfile import GFile as GFile
from tensorflux._src.io.gfile import GFile as Open
from tensorflux._src.io.gfile import copy as Copy
from tensorflux._src.io.gfile import exists as Exists
from tensorflux._src.io.gfile import glob as Glob
from tensorflux._src.io.gfile import isdir as IsDirectory
from tensorflux._src.io.gfile import listdir as ListDirectory
from tensorflux._src.io.gfile import makedirs as MakeDirs
from tensorflux._src.io.gfile import mkdir as MkDir
from tensorflux._src.io.gfile import remove as Remove
from tensorflux._src.io.gfile import rename as Rename
from tensorflux._src.io.gfile import rmtree as DeleteRecursively
from tensorflux._src.io.gfile import stat as Stat
from tensorflux._src.io.gfile import walk_v1 as Walk
