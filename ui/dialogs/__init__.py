"""Dialogs: model library, settings and about."""
