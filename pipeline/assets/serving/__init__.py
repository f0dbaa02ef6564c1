"""Serving layer: what BI tools and analysts read, one module per asset.

- ``views`` (asset ``serving/views``): the views in schema ``serving`` built by the files of
  ``sql/serving/`` (one view per file), with a comment on every view (its file's leading comment)
  and on every column (``sql/serving/columns.csv``); the asset's deps are the core and marts
  tables that SQL reads;
- ``publishing`` (asset ``serving/published``): the published database, a separate DuckDB file
  holding every serving view as a table (and the table macro ``showback_between`` for any window
  of days), built beside the old one and swapped in with one rename once every blocking check has
  passed, so readers never see a half-built state and a reader holding it open never blocks a run;
- ``export`` (asset ``serving/parquet_export``): every published table as Parquet,
  hive-partitioned by month, published atomically by switching a ``current`` link to a fully
  written folder;
- ``report`` (asset ``serving/showback_report``): a self-contained HTML page for the latest
  month, from the published database;
- ``caps_export`` (asset ``serving/runtime_caps_export``): the latest month's recommended runtime
  caps as an LLM gateway's (LiteLLM's) budget settings.
"""

from pipeline.assets.serving.caps_export import runtime_caps_export
from pipeline.assets.serving.export import parquet_export
from pipeline.assets.serving.publishing import published_database
from pipeline.assets.serving.report import showback_report
from pipeline.assets.serving.views import serving_views_asset

serving_assets = [
    serving_views_asset,
    published_database,
    parquet_export,
    showback_report,
    runtime_caps_export,
]
