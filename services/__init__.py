"""Application services (search, citations, ...) used by the API, the pages and the CLI."""
