"""The Scrapy project: one spider per site (``crawlers/spiders/``), driven by the source registry
(``config/sources.json``). Only the item pipeline (``crawlers/pipeline.py``) hands anything to ``ingest``."""
