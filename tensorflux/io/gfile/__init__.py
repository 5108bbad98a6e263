"""tf.io.gfile: files and directories through TF's file API (local files and file:// URLs)."""

from tensorflux._src.io.gfile import GFile as GFile
from tensorflux._src.io.gfile import copy as copy
from tensorflux._src.io.gfile import exists as exists
from tensorflux._src.io.gfile import get_registered_schemes as get_registered_schemes
from tensorflux._src.io.gfile import glob as glob
from tensorflux._src.io.gfile import isdir as isdir
from tensorflux._src.io.gfile import join as join
from tensorflux._src.io.gfile import listdir as listdir
from tensorflux._src.io.gfile import makedirs as makedirs
from tensorflux._src.io.gfile import mkdir as mkdir
from tensorflux._src.io.gfile import remove as remove
from tensorflux._src.io.gfile import rename as rename
from tensorflux._src.io.gfile import rmtree as rmtree
from tensorflux._src.io.gfile import stat as stat
from tensorflux._src.io.gfile import walk as walk
