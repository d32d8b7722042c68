"""User-facing strings, French first, English available (``?lang=en``)."""

from __future__ import annotations

LOCALES = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "query_too_long": {
        "fr": "La requête est trop longue (au plus {max} caractères).",
        "en": "The query is too long (at most {max} characters).",
    },
    "unclosed_quote": {
        "fr": "Guillemet non fermé : fermez l'expression entre guillemets.",
        "en": "Unclosed quote: close the quoted phrase.",
    },
    "unbalanced_parenthesis": {"fr": "Parenthèses non équilibrées.", "en": "Unbalanced parentheses."},
    "dangling_operator": {
        "fr": "L'opérateur {operator} doit être suivi d'un terme.",
        "en": "The operator {operator} must be followed by a term.",
    },
    "empty_group": {
        "fr": "Groupe vide : mettez au moins un terme entre les parenthèses.",
        "en": "Empty group: put at least one term between the parentheses.",
    },
    "empty_phrase": {"fr": "Expression entre guillemets vide.", "en": "Empty quoted phrase."},
    "too_deep": {
        "fr": "Trop de parenthèses imbriquées (au plus {max}).",
        "en": "Too many nested parentheses (at most {max}).",
    },
    "too_many_clauses": {
        "fr": "Trop de termes dans la requête (au plus {max}).",
        "en": "Too many terms (at most {max}).",
    },
    "too_many_wildcards": {"fr": "Trop de jokers (au plus {max}).", "en": "Too many wildcards (at most {max})."},
    "wildcard_prefix": {
        "fr": "Un joker (* ou ?) doit suivre au moins {min} caractères.",
        "en": "A wildcard (* or ?) must follow at least {min} characters.",
    },
    "wildcard_chars": {
        "fr": "Caractères non admis dans un terme avec joker.",
        "en": "Characters not allowed in a wildcard term.",
    },
    "slop_too_large": {
        "fr": "Distance de proximité trop grande (au plus {max}).",
        "en": "Proximity distance too large (at most {max}).",
    },
    "syntax": {"fr": "Requête illisible.", "en": "The query cannot be read."},
    "bad_date": {
        "fr": "Date invalide pour {field} : attendu AAAA-MM-JJ.",
        "en": "Invalid date for {field}: expected YYYY-MM-DD.",
    },
    "bad_range": {"fr": "Période inversée pour {field}.", "en": "Reversed date range for {field}."},
    "bad_sort": {"fr": "Tri inconnu.", "en": "Unknown sort."},
    "bad_order": {"fr": "Ordre inconnu (asc ou desc).", "en": "Unknown order (asc or desc)."},
    "bad_size": {"fr": "Taille de page entre 1 et {max}.", "en": "Page size between 1 and {max}."},
    "bad_cursor": {
        "fr": "Curseur de pagination invalide : relancez la recherche.",
        "en": "Invalid paging cursor: run the search again.",
    },
    "page_too_deep": {
        "fr": "Pagination limitée à {max} résultats par pertinence : triez par date pour aller plus loin.",
        "en": "Paging by relevance stops at {max} results: sort by date to go further.",
    },
    "unknown_facet": {"fr": "Facette inconnue : {field}.", "en": "Unknown facet: {field}."},
    "unknown_filter": {"fr": "Filtre inconnu : {field}.", "en": "Unknown filter: {field}."},
    "engine_rejected": {
        "fr": "Le moteur n'a pas pu exécuter cette requête ; simplifiez-la.",
        "en": "The engine could not run this query; simplify it.",
    },
    "index_unavailable": {
        "fr": "Le moteur de recherche est indisponible. Réessayez dans un instant.",
        "en": "The search engine is unavailable. Try again shortly.",
    },
    "not_found": {"fr": "Document introuvable.", "en": "Document not found."},
    "original_missing": {
        "fr": "L'original de ce document n'est pas archivé.",
        "en": "This document's original is not archived.",
    },
    "validation": {"fr": "Paramètres invalides.", "en": "Invalid parameters."},
    "http_error": {"fr": "Erreur.", "en": "Error."},
    "internal": {"fr": "Erreur interne. L'incident est consigné.", "en": "Internal error. The incident was logged."},
    # page text
    "app_title": {"fr": "coidesk — recherche COI et jurisprudence", "en": "coidesk — COI and case-law search"},
    "search": {"fr": "Rechercher", "en": "Search"},
    "search_placeholder": {
        "fr": 'ex. Darfour Zaghawa, "groupe social", manifest*',
        "en": 'e.g. Darfur Zaghawa, "social group", protest*',
    },
    "results": {"fr": "{n} résultat(s)", "en": "{n} result(s)"},
    "no_results": {"fr": "Aucun document ne correspond.", "en": "No document matches."},
    "sort": {"fr": "Trier", "en": "Sort"},
    "sort_relevance": {"fr": "Pertinence", "en": "Relevance"},
    "sort_published": {"fr": "Date de publication", "en": "Publication date"},
    "sort_added": {"fr": "Date d'ajout", "en": "Date added"},
    "order_desc": {"fr": "plus récent d'abord", "en": "newest first"},
    "order_asc": {"fr": "plus ancien d'abord", "en": "oldest first"},
    "next_page": {"fr": "Page suivante", "en": "Next page"},
    "first_page": {"fr": "Première page", "en": "First page"},
    "facet_country": {"fr": "Pays", "en": "Country"},
    "facet_source": {"fr": "Source", "en": "Source"},
    "facet_doc_type": {"fr": "Type de document", "en": "Document type"},
    "facet_language": {"fr": "Langue", "en": "Language"},
    "facet_kind": {"fr": "Nature", "en": "Kind"},
    "facet_year": {"fr": "Année de publication", "en": "Publication year"},
    "facet_place": {"fr": "Lieux", "en": "Places"},
    "facet_actor": {"fr": "Acteurs", "en": "Actors"},
    "facet_topic": {"fr": "Thèmes", "en": "Topics"},
    "enrichment": {"fr": "Enrichissement automatique", "en": "Automatic enrichment"},
    "enrichment_pending": {"fr": "Ce document n'est pas encore enrichi.", "en": "This document is not enriched yet."},
    "places": {"fr": "Lieux", "en": "Places"},
    "actors": {"fr": "Acteurs", "en": "Actors"},
    "dates": {"fr": "Dates et périodes mentionnées", "en": "Dates and periods mentioned"},
    "topics": {"fr": "Thèmes", "en": "Topics"},
    "as_written": {"fr": "écrit", "en": "written"},
    "other_spellings": {"fr": "autres graphies", "en": "other spellings"},
    "in_place": {"fr": "dans", "en": "in"},
    "language_parts": {"fr": "Parties en d'autres langues", "en": "Parts in other languages"},
    "events_from": {"fr": "Événements depuis", "en": "Events from"},
    "exclude": {"fr": "exclure", "en": "exclude"},
    "active_filters": {"fr": "Filtres actifs", "en": "Active filters"},
    "remove": {"fr": "retirer", "en": "remove"},
    "not": {"fr": "sauf", "en": "not"},
    "published_from": {"fr": "Publié depuis", "en": "Published from"},
    "published_to": {"fr": "jusqu'au", "en": "to"},
    "kind_coi": {"fr": "COI", "en": "COI"},
    "kind_decision": {"fr": "Décision", "en": "Decision"},
    "kind_case_document": {"fr": "Pièce de dossier", "en": "Case document"},
    "published": {"fr": "Publié", "en": "Published"},
    "added": {"fr": "Ajouté", "en": "Added"},
    "countries": {"fr": "Pays", "en": "Countries"},
    "source": {"fr": "Source", "en": "Source"},
    "doc_type": {"fr": "Type", "en": "Type"},
    "language": {"fr": "Langue", "en": "Language"},
    "identifier": {"fr": "Identifiant", "en": "Identifier"},
    "original_link": {"fr": "Lien d'origine", "en": "Original link"},
    "download_original": {"fr": "Télécharger l'original archivé", "en": "Download the archived original"},
    "cite_as": {"fr": "Citer ainsi", "en": "Cite as"},
    "court": {"fr": "Juridiction", "en": "Court"},
    "decision_date": {"fr": "Date de la décision", "en": "Decision date"},
    "file_number": {"fr": "N° de requête", "en": "File number"},
    "ecli": {"fr": "ECLI", "en": "ECLI"},
    "outcome": {"fr": "Solution", "en": "Outcome"},
    "headnote": {"fr": "Résumé", "en": "Headnote"},
    "text": {"fr": "Texte", "en": "Text"},
    "back_to_search": {"fr": "Retour à la recherche", "en": "Back to search"},
    "syntax_help": {
        "fr": 'ET par défaut · OR · NOT ou - · "expression" · "a b"~5 · joker * ?',
        "en": 'AND by default · OR · NOT or - · "phrase" · "a b"~5 · wildcards * ?',
    },
    "other_language": {"fr": "English", "en": "Français"},
    "sha256": {"fr": "Empreinte SHA-256 de l'original", "en": "SHA-256 of the original"},
    "version": {"fr": "Version", "en": "Version"},
    "error_title": {"fr": "Erreur {status}", "en": "Error {status}"},
}


def translate(key: str, locale: str, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(locale) or entry["fr"]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def pick_locale(requested: str | None, default: str = "fr") -> str:
    return requested if requested in LOCALES else default
