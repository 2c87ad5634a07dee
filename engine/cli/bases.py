"""bases: the pretrained models found on this computer, and a GGUF converted before use."""
from __future__ import annotations

import sys
import threading
from argparse import Namespace
from pathlib import Path

from ..common.errors import WenanError, message
from .output import EXIT_INTERRUPTED, EXIT_OK, ctrl_c_cancels, json_line

def cmd_bases(args: Namespace) -> int:
    from ..models import added_bases, discovery

    for path in args.add:
        print(message("cli_base_remembered", path=added_bases.add_path(path)), file=sys.stderr)
    for path in args.forget:
        if not added_bases.remove_path(path):
            print(message("cli_note", message=message("cli_base_not_added", path=path)), file=sys.stderr)
    device = discovery.device_profile("auto")
    entries = discovery.find_bases(args.scan, device=device)
    if args.json:
        for entry in entries:
            json_line(entry.to_dict())
        return EXIT_OK
    memory = f"{device.memory_bytes / 2**30:.1f} GB" if device.memory_bytes else message("cli_unknown_memory")
    print(message("cli_bases_heading", device=device.name, memory=memory))
    group = None
    for entry in entries:
        if entry.group != group:
            group = entry.group
            print("\n" + message(f"cli_bases_{group}"))
        print(_base_line(entry))
    if not entries:
        print(message("cli_bases_none"))
    return EXIT_OK


def _base_line(e) -> str:
    f = e.facts
    size = "" if not f.parameters else (f"{f.parameters / 1e9:.2f} B" if f.parameters >= 1e8 else
                                        f"{f.parameters / 1e6:.1f} M")
    fmt = "GGUF " + (f.quantization or "") if f.format == "gguf" else "safetensors"
    context = message("cli_base_context", n=f.context_length) if f.context_length else ""
    parts = [fmt, f.architecture or "?", size, context, message("cli_base_chat") if f.chat else "", f.license or ""]
    if e.usable and e.needs.lora:
        gb = lambda b: f"{b / 2**30:.1f}"  # noqa: E731
        parts.append(message("cli_base_memory", lora=gb(e.needs.lora), write=gb(e.needs.write)))
    line = f"  {e.name}  [{e.source}]  " + " · ".join(p for p in parts if p)
    return line + (f"\n      {e.reason()}" if not e.usable else "")


def convert_base(name: str, device: str, purpose: str, as_json: bool) -> None:
    """A GGUF base not converted yet is converted now, with a progress bar, before anything loads."""
    from ..models import discovery, library

    if name == "scratch" or (library.exists(name) and not Path(name).expanduser().exists()):
        return
    choice = discovery.device_profile(device)
    entry = discovery.lookup(name, device=choice)
    if entry is None or entry.kind != "gguf" or not entry.usable:
        return  # the command itself says what is wrong
    from ..models import gguf_convert

    if gguf_convert.find_converted(entry.path, gguf_convert.storage_dtype(choice)) is not None:
        return
    discovery.check_fits(entry, purpose, device=choice)
    if entry.facts.bits and entry.facts.bits < 8:
        below = WenanError("gguf_below_8bit", name=entry.name, quantization=entry.facts.quantization,
                           bits=entry.facts.bits)
        print(message("cli_note", message=below.message()), file=sys.stderr)
    print(message("cli_converting", name=entry.name), file=sys.stderr)
    bar, cancel = None, threading.Event()

    def on_event(e) -> None:
        nonlocal bar
        if as_json:
            json_line({"event": "converting", "phase": e.phase, "done": e.done, "total": e.total, "name": e.name})
            return
        if e.phase == "weights" and bar is None:
            from tqdm import tqdm
            bar = tqdm(total=e.total, unit="tensor", dynamic_ncols=True, file=sys.stderr)
        if bar is not None:
            bar.update(e.done - bar.n)

    with ctrl_c_cancels(cancel):
        try:
            folder = discovery.base_folder(name, purpose=purpose, device=choice, on_event=on_event, cancel=cancel)
        finally:
            if bar is not None:
                bar.close()
    if folder is None:
        print(message("cli_convert_stopped"), file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED)
