"""HTTP layer: JSON API, Jinja2 pages, error mapping. The outermost layer: nothing imports it."""
