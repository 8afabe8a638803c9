"""Version information, kept in one place."""

__version__ = "0.1.0"
# Bumped whenever extraction output may change for the same input; stored with every record
# so that `frontwatch reprocess` can replace records made by older extractors.
EXTRACTOR_VERSION = "0.3.8"
