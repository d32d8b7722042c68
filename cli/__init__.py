"""The ``coidesk`` command."""
