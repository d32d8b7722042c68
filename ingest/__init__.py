"""Turns corpus records, files and crawled items into stored, indexed documents."""
