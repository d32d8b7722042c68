"""Elasticsearch index template: analysers mirroring store/index/analysis.py, and the mappings.

French: standard tokenizer, elision, lowercase, ASCII folding, French stop words, ``light_french``
(Judilibre's chain). English: lowercase, ASCII folding, possessive, English stop words, Snowball
English. ``.exact`` sub-fields fold without stemming. Stop-word and elision lists come from
``config/analysis.py`` so both engines drop exactly the same words.
"""

from __future__ import annotations

from typing import Any

from config.analysis import ENGLISH_STOP_WORDS, FRENCH_ELISIONS, FRENCH_STOP_WORDS

ANALYSIS: dict[str, Any] = {
    "filter": {
        "coidesk_elision": {"type": "elision", "articles_case": True, "articles": list(FRENCH_ELISIONS)},
        "coidesk_french_stop": {"type": "stop", "stopwords": list(FRENCH_STOP_WORDS)},
        "coidesk_french_stemmer": {"type": "stemmer", "language": "light_french"},
        "coidesk_english_stop": {"type": "stop", "stopwords": list(ENGLISH_STOP_WORDS)},
        "coidesk_english_possessive": {"type": "stemmer", "language": "possessive_english"},
        "coidesk_english_stemmer": {"type": "snowball", "language": "English"},
    },
    "analyzer": {
        "coidesk_french": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["coidesk_elision", "lowercase", "asciifolding", "coidesk_french_stop", "coidesk_french_stemmer"],
        },
        "coidesk_english": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "asciifolding",
                "coidesk_english_possessive",
                "coidesk_english_stop",
                "coidesk_english_stemmer",
            ],
        },
        "coidesk_exact": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["coidesk_elision", "lowercase", "asciifolding"],
        },
    },
}

_EXACT = {"exact": {"type": "text", "analyzer": "coidesk_exact"}}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "seq": {"type": "long"},
        "kind": {"type": "keyword"},
        "source": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "language": {"type": "keyword"},
        "country": {"type": "keyword"},
        "case_id": {"type": "keyword"},
        "place": {"type": "keyword"},
        "actor": {"type": "keyword"},
        "topic": {"type": "keyword"},
        "event_month": {"type": "integer"},
        "alias_key": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "published": {"type": "date", "format": "strict_date"},
        "added": {"type": "date", "format": "strict_date"},
        "year": {"type": "integer"},
        "published_key": {"type": "long"},
        "added_key": {"type": "long"},
        "title": {"type": "text", "analyzer": "coidesk_exact"},
        "content_fr": {"type": "text", "analyzer": "coidesk_french", "fields": _EXACT},
        "content_en": {"type": "text", "analyzer": "coidesk_english", "fields": _EXACT},
        "content_other": {"type": "text", "analyzer": "coidesk_exact"},
        "text": {"type": "text", "index": False},
    },
}


def index_template(prefix: str) -> dict[str, Any]:
    return {
        "index_patterns": [f"{prefix}-documents-v*"],
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": ANALYSIS},
            "mappings": MAPPINGS,
        },
        "priority": 200,
    }
