"""The four pages of the main window: Data, Train, Write and History."""
