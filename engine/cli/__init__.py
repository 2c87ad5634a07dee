"""The headless command line: human output with tqdm, or one JSON object per line.

One module per command family: `train`, `write` (generate, batch), `models`, `bases`,
`history` (history, export), `insights` and `doctor` (doctor, demo); `output` holds what they
share. What it prints for people is in the user's language (`message` keys, WENAN_LANG or the
locale); the --json output is a machine contract and stays as it is in every language.
"""
from __future__ import annotations

import sys
from argparse import Namespace

from ..common.errors import WenanError, message
from . import bases, doctor, history, insights, models, train, write
from .output import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK

COMMANDS = {"train": train.cmd_train, "generate": write.cmd_generate, "models": models.cmd_models,
            "bases": bases.cmd_bases, "history": history.cmd_history, "export": history.cmd_export,
            "batch": write.cmd_batch, "doctor": doctor.cmd_doctor, "demo": doctor.cmd_demo,
            "insights": insights.cmd_insights}

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "run"]


def run(args: Namespace) -> int:
    """Run one parsed command; a WenanError becomes one line on stderr and its exit code."""
    try:
        return COMMANDS[args.command](args)
    except WenanError as err:
        print(message("cli_error", message=err), file=sys.stderr)
        return err.exit_code
