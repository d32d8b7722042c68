"""Text-analysis reference data shared by both search engines.

The embedded engine applies these lists in Python (store/index/analysis.py); the Elasticsearch
index template receives the very same lists (store/index/es_template.py), so both engines analyse
text identically. Words are given lower-cased and accent-folded, because stop-word removal runs
after folding in both chains.
"""

# Elided articles and pronouns: "l'asile" -> "asile", "qu'il" -> "il".
FRENCH_ELISIONS: tuple[str, ...] = (
    "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
)

FRENCH_STOP_WORDS: tuple[str, ...] = (
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles",
    "en", "et", "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me",
    "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu",
    "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous", "c", "d", "j", "l", "m", "n", "s", "t", "y", "ete", "etee", "etees", "etes",
    "etant", "suis", "es", "est", "sommes", "sont", "etais", "etait", "etions", "etiez", "etaient",
    "fut", "ai", "as", "avons", "avez", "ont", "avait", "avaient", "sera", "seront", "ceci", "cela",
    "celle", "celles", "celui", "ceux", "dont", "donc", "or", "ni", "car", "si", "tout", "tous",
    "toute", "toutes", "sans", "sous", "entre", "vers", "chez", "lors", "ainsi", "aussi", "alors",
)

ENGLISH_STOP_WORDS: tuple[str, ...] = (
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
    "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with", "were", "been", "has", "have", "had", "which", "who", "whom", "its",
    "from", "he", "she", "his", "her", "him", "we", "our", "you", "your", "i", "me", "my", "so", "than",
    "too", "very", "can", "do", "does", "did",
)

# Languages that have their own stemmed field; other languages are searched through the exact field.
STEMMED_LANGUAGES: tuple[str, ...] = ("fr", "en")
