"""The main job (`tensorflux demo`): an end-to-end example on data bundled with the package.

It is written against the public `tf` API only, as a user's program would be, and grows as
capabilities land.
"""
