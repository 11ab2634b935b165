"""The settings object, re-exported for the CLI and for callers of the old path; it lives in config/settings.py."""

from config.settings import (
    DEFAULT_CONFIG_FILE,
    DEFAULT_CONTACT_URL,
    Settings,
    SettingsError,
    default_user_agent,
    load_settings,
)

__all__ = [
    "DEFAULT_CONFIG_FILE", "DEFAULT_CONTACT_URL", "Settings", "SettingsError", "default_user_agent", "load_settings",
]
