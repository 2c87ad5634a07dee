"""history and export: the drafts kept, searched and written out with the AI label."""
from __future__ import annotations

import sys
from argparse import Namespace

from ..common.errors import message
from .output import EXIT_OK, json_line

def open_history():
    """The history, saying once when a damaged file was set aside."""
    from ..history.store import History

    history = History()
    if history.recovered_from is not None:
        print(message("cli_warning", message=history.recovery_notice()), file=sys.stderr)
    return history


def cmd_history(args: Namespace) -> int:
    with open_history() as history:
        rows = history.search(args.search, model=args.model, favorites_only=args.favorites, limit=args.limit)
    for row in rows:
        if args.json:
            json_line({"id": row.id, "run_id": row.run_id, "created_at": row.created_at, "model": row.model,
                   "scenario": row.scenario, "prompt": row.prompt, "variant": row.index + 1, "text": row.text,
                   "edited": row.edited_text is not None, "favorite": row.favorite, "flags": list(row.flags),
                   "facts": row.facts, "ai_generated": True})
        else:
            star = "★" if row.favorite else " "
            print(f"{star} #{row.id:<5} {row.created_at[:16]}  {row.model}  {_scenario(row.scenario)}\n  {row.text}\n")
    if not args.json:
        print(message("cli_drafts", n=len(rows)), file=sys.stderr)
    return EXIT_OK


def _scenario(key: str | None) -> str:
    from ..common.errors import current_language
    from ..writing.scenarios import SCENARIOS

    spec = SCENARIOS.get(key) if key else None
    if spec is None:
        return key or message("cli_free_prompt")
    return spec.zh if current_language() == "zh" else spec.en


def cmd_export(args: Namespace) -> int:
    from ..history.export import export, rows_for_scope

    with open_history() as history:
        rows = rows_for_scope(history, "filter", query=args.search, model=args.model,
                              favorites_only=args.favorites)
    path = export(rows, args.out, args.format)
    print(message("cli_exported", n=len(rows), path=path))
    return EXIT_OK
