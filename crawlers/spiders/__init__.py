"""One spider per site; ``SPIDERS`` maps the registry's ``spider`` name to its class."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.cnda import CndaSpider
from crawlers.spiders.ecoi import EcoiSpider
from crawlers.spiders.euaa import EuaaSpider
from crawlers.spiders.eurlex_cjeu import EurlexCjeuSpider
from crawlers.spiders.generic import GenericSpider
from crawlers.spiders.uk_cpin import UkCpinSpider
from crawlers.spiders.usdos import UsdosSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    cls.name: cls
    for cls in (UkCpinSpider, UsdosSpider, CndaSpider, EurlexCjeuSpider, EcoiSpider, EuaaSpider, GenericSpider)
}
