"""The seeded sample-data generator: realistic raw input files for every source, at any size.

Not part of the runtime pipeline: it needs the ``samples`` extra (polars, numpy, pyarrow),
which ``pipeline`` never imports. ``data_samples/`` is written by ``python -m
sample_data.generator``.
"""
