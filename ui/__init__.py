"""Wenan Studio's desktop window (PySide6). It drives `engine` and is never imported by it."""
