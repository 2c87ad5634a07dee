"""PyInstaller runtime hook: runs before the app imports anything.

The bundle is an offline app: Hugging Face libraries must never try the network,
and nothing is reported home. Set unconditionally, so a user's environment cannot
turn a download on (engine/__init__.py sets the same with setdefault for source runs).
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["DO_NOT_TRACK"] = "1"
