"""NLP enrichment (language, places, actors, dates, topics, decision fields). Not built yet: see issue 9.

Search-time text analysis (tokenising, folding, stemming) lives with the indexes, in store/index/analysis.py.
"""
