"""`main.py` as a training rank whose clocks disagree with the other rank's as far as they can.

Rank 1's throttle always says a progress report is due and its checkpoint clock says a checkpoint
is due after every step; rank 0's never do. A decision either rank took alone would leave the
other waiting for ever in a collective call (tests/test_cli.py launches two of these).
"""
import os

from engine.training import pace, run

if __name__ == "__main__":
    skewed = os.environ["RANK"] == "1"
    pace.Throttle.due = lambda self: skewed
    run.Run.checkpoint_interval = lambda self: 0.0 if skewed else 1e9

    import main

    main.entry()
