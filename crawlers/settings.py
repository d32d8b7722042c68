"""Scrapy settings for coidesk's crawls, from the application settings: polite, cached, guarded."""

from __future__ import annotations

from typing import Any

from config.settings import Settings
from config.sources import Source


def process_settings(settings: Settings) -> dict[str, Any]:
    """Settings of the crawl process itself: the reactor-wide ones, which Scrapy takes from the process and
    ignores in a spider's settings. The name resolver resolves each host once and checks every address it
    answers; connections go only to those addresses (SECURITY.md threat 7, crawlers/resolver.py)."""
    return {
        "LOG_LEVEL": "WARNING",
        "TWISTED_DNS_RESOLVER": "crawlers.resolver.VettingResolver",
        "COIDESK_ALLOW_PRIVATE": settings.crawl_allow_private,
    }


def scrapy_settings(settings: Settings, source: Source) -> dict[str, Any]:
    assert source.crawl is not None
    return {
        "BOT_NAME": "coidesk",
        "USER_AGENT": settings.crawl_user_agent,
        "ROBOTSTXT_OBEY": True,  # Protego parser
        "ROBOTSTXT_USER_AGENT": settings.crawl_user_agent.split("/")[0],
        # one request at a time per site, with a delay that AutoThrottle may lengthen, never shorten
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": source.crawl.delay_s,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(source.crawl.delay_s, 0.01),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout_s,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,  # nothing of ours travels with a request
        "REFERER_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": True,  # conditional requests (ETag / Last-Modified) on every revisit
        "HTTPCACHE_DIR": str((settings.data_dir / "crawl-cache").resolve()),
        "HTTPCACHE_POLICY": "crawlers.cache.RevalidatePolicy",
        "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage",
        "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504, 429, 403, 404],
        # one guard for every request, redirects included, that records what it refuses (it replaces
        # Scrapy's offsite filter, which checks domains only and silently)
        # (names are resolved, and their addresses checked, by the process's resolver: process_settings)
        "DOWNLOADER_MIDDLEWARES": {
            "crawlers.middlewares.UrlGuard": 40,
            "crawlers.middlewares.ResolverRefusals": 950,  # before the cache (900) and retries (550) see it
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        },
        "ITEM_PIPELINES": {"crawlers.pipeline.IngestPipeline": 300},
        "COIDESK_ALLOW_PRIVATE": settings.crawl_allow_private,
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
