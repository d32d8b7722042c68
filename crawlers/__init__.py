"""Scrapy spiders for COI and case-law sources. Not built yet: see issue 4."""
