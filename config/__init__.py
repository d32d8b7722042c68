"""Settings and reference data. The only package that reads the environment."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
