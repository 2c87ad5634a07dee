"""models: the library of trained models (list, rename, delete, export, import)."""
from __future__ import annotations

from argparse import Namespace

from ..common.errors import message
from .output import EXIT_OK, json_line, method_name, pad

def cmd_models(args: Namespace) -> int:
    from ..models import library

    action = getattr(args, "action", None)
    if action == "rename":
        info = library.rename_model(args.old, args.new)
        print(message("cli_renamed", name=info.name))
    elif action == "delete":
        library.delete_model(args.model)
        print(message("cli_deleted", name=args.model))
    elif action == "export":
        print(library.export_model(args.model, args.out))
    elif action == "import":
        print(message("cli_imported", name=library.import_model(args.zip, args.name).name))
    elif args.json:
        for m in library.list_models():
            card = m.card.to_dict()
            json_line({"name": m.name, "path": str(m.path), **{k: card[k] for k in (
                "created_at", "method", "format", "base", "metrics", "training", "data")}})
    else:
        models = library.list_models()
        if not models:
            print(message("cli_no_models"))
        for m in models:
            card = m.card
            val = card.metrics.val_loss
            print(message("cli_model_row", name=pad(m.name, 24), method=pad(method_name(card.method or "?"), 8),
                          base=card.base.name or card.base.path or card.base.kind,
                          val="-" if val is None else f"{val:.3f}", created=card.created_at))
    return EXIT_OK
