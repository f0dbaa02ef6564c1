"""Loading raw files into staging, one source at a time: ``load.load_source``.

- ``discover``: which files of a source folder a run reads, and which it passes over, with why.
- ``csv_records``: reading a CSV file so that every record it holds is accounted for by its line.
"""
