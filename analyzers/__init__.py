"""NLP enrichment: language, countries, places (gazetteer), actors, dates and periods, topics.

Imports only ``config`` and ``textnorm``. Search-time text analysis (tokenising, folding, stemming)
lives with the indexes, in store/index/analysis.py.
"""
