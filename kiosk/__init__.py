"""The kiosk: the touchscreen app where visitors take a ticket (PySide6)."""
