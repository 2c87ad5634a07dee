"""Wenan Studio: `python main.py` opens the app; subcommands run headless."""
from __future__ import annotations

import argparse
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit code 2, as for any bad input
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wenan", description="Wenan Studio (文案工坊): offline marketing copy from your own writing.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--self-test", action="store_true",
                   help="run a headless smoke test (sample, training, generation, window) and exit 0 if all worked")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="learn from a file of your copy")
    t.add_argument("data", help=".txt, .csv, .tsv, .xlsx or .jsonl")
    t.add_argument("--name", required=True, help="name of the model in the library")
    t.add_argument("--base", default="scratch",
                   help="scratch, a library model, a base by the name `bases` prints, or a model folder or .gguf file")
    g = t.add_mutually_exclusive_group()
    g.add_argument("--epochs", type=float)
    g.add_argument("--max-steps", type=int)
    g.add_argument("--minutes", type=float, metavar="M",
                   help="a time budget: the schedule is planned to end after M minutes, and stops sooner "
                        "when the validation loss stops improving (the best weights are kept)")
    t.add_argument("--batch-size", type=int, default=8)
    t.add_argument("--grad-accum", type=int, default=1)
    t.add_argument("--block-size", type=int)
    t.add_argument("--lr", type=float)
    t.add_argument("--method", choices=("auto", "full", "lora"), default="auto")
    t.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    t.add_argument("--text-column")
    t.add_argument("--prompt-column")
    t.add_argument("--val-fraction", type=float, default=0.05)
    t.add_argument("--seed", type=int, default=1337)
    t.add_argument("--no-mask-pii", action="store_true", help="keep phone numbers, e-mails and ID numbers")
    t.add_argument("--checkpoint-every", type=int, metavar="STEPS", help="also save a checkpoint every STEPS steps")
    t.add_argument("--resume", action="store_true", help="continue an interrupted training of the same name")
    t.add_argument("--json", action="store_true", help="one JSON object per line on stdout")

    gen = sub.add_parser("generate", help="draft copy with a trained model or a pretrained base")
    gen.add_argument("name", help="a library model, a base by the name `bases` prints, or a model folder or .gguf file")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--facts", metavar="TEXT", default="",
                     help="what you can vouch for (materials, certificates, prices, sizes): the claims check "
                          "flags figures, certifications, materials and origins that neither this nor the prompt states")
    gen.add_argument("-n", type=int, default=3, help="number of variants")
    gen.add_argument("--preset", choices=("safe", "balanced", "creative"))
    gen.add_argument("--max-new-tokens", type=int)
    gen.add_argument("--temperature", type=float)
    gen.add_argument("--top-p", type=float)
    gen.add_argument("--top-k", type=int)
    gen.add_argument("--repetition-penalty", type=float)
    gen.add_argument("--seed", type=int)
    gen.add_argument("--scenario", metavar="S", help="detail, slogan, social, review_reply or title: a chat "
                     "model is told the task and the platform's length limit")
    gen.add_argument("--platform", help="e.g. 淘宝, JD, Amazon: its length limit is told and checked")
    gen.add_argument("--examples", metavar="FILE", help="a file of your own copy: the pieces closest to the "
                     "prompt are shown to the model (default: a trained model's own training samples)")
    gen.add_argument("--n-examples", type=int, default=3, metavar="K", help="how many of them (0 turns it off)")
    gen.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    gen.add_argument("--json", action="store_true")

    m = sub.add_parser("models", help="list, rename, delete, export or import models")
    m.add_argument("--json", action="store_true")
    msub = m.add_subparsers(dest="action", parser_class=_Parser)
    r = msub.add_parser("rename")
    r.add_argument("old")
    r.add_argument("new")
    d = msub.add_parser("delete")
    d.add_argument("model")
    e = msub.add_parser("export")
    e.add_argument("model")
    e.add_argument("--out", required=True, help="the .zip to write")
    i = msub.add_parser("import")
    i.add_argument("zip")
    i.add_argument("--name")

    bs = sub.add_parser("bases", help="list the pretrained base models found on this computer")
    bs.add_argument("--json", action="store_true", help="one JSON object per base")
    bs.add_argument("--scan", action="append", default=[], metavar="DIR", help="also look in DIR (repeatable)")
    bs.add_argument("--add", action="append", default=[], metavar="PATH",
                    help="remember a model folder, a .gguf file or a folder of models as a base (repeatable)")
    bs.add_argument("--forget", action="append", default=[], metavar="PATH", help="stop remembering PATH")

    h = sub.add_parser("history", help="search the drafts you generated")
    _filters(h)
    h.add_argument("--limit", type=int, default=50)
    h.add_argument("--json", action="store_true")

    x = sub.add_parser("export", help="export drafts to CSV, XLSX, Markdown or text")
    x.add_argument("--out", required=True, help="the file to write")
    x.add_argument("--format", choices=("csv", "xlsx", "md", "txt"), help="default: from the file's suffix")
    _filters(x)

    b = sub.add_parser("batch", help="draft copy for every product in a sheet")
    b.add_argument("name", help="a library model")
    b.add_argument("--products", required=True, help=".csv or .xlsx, one product per row")
    b.add_argument("--scenario", required=True, choices=("detail", "slogan", "social", "review_reply", "title"))
    b.add_argument("-n", type=int, default=3, help="variants per product")
    b.add_argument("--out", required=True, help=".csv or .xlsx to write")
    b.add_argument("--examples", metavar="FILE", help="a file of your own copy: the pieces closest to each row "
                   "are shown to a pretrained model (default: a trained model's own training samples)")
    b.add_argument("--product", metavar="NAME",
                   help="review_reply: the product every review is about, when the sheet has no product column")
    b.add_argument("--json", action="store_true")

    ins = sub.add_parser("insights", help="what real reviews praise and criticise: ranked selling points and pain points")
    ins.add_argument("file", help="a review export: .csv, .tsv, .xlsx, .txt or .jsonl")
    ins.add_argument("--text-column", metavar="C", help="the column with the review text (default: guessed)")
    ins.add_argument("--rating-column", metavar="C", help='stars, scores or 好评/中评/差评 (default: guessed; "" for none)')
    ins.add_argument("--product-column", metavar="C", help='default: guessed; "" for none')
    ins.add_argument("--date-column", metavar="C", help='default: guessed; "" for none')
    ins.add_argument("--product", metavar="NAME", help="only the reviews of this product")
    ins.add_argument("--since", metavar="YYYY-MM-DD", help="only reviews from this date on")
    ins.add_argument("--until", metavar="YYYY-MM-DD", help="only reviews up to this date")
    ins.add_argument("--top", type=int, default=10, metavar="N", help="aspects to show (default 10)")
    ins.add_argument("--model", metavar="DIR", help="a local chat model folder: it groups, names and summarises "
                                                    "the aspects (numbers and quotes still come from counting)")
    ins.add_argument("--out", metavar="FILE", help="also export the insight to this .csv or .xlsx")
    ins.add_argument("--json", action="store_true", help="one JSON object per aspect, then a done line")

    sub.add_parser("doctor", help="versions, device and data folder")
    demo = sub.add_parser("demo", help="train on the bundled sample, then draft copy")
    demo.add_argument("--max-steps", type=int, default=300)
    return p


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--search", metavar="Q", default="", help="words to find (Chinese works)")
    p.add_argument("--model", metavar="NAME")
    p.add_argument("--favorites", action="store_true", help="only drafts marked as favorite")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        from engine import __version__
        print(__version__)
        return 0
    if args.self_test:
        from ui.selftest import run_self_test
        return run_self_test()
    if args.command is None:
        from ui.display_check import window_can_open
        if not window_can_open():  # it said what is missing; Qt would abort with its own message
            return 2
        from ui.app import run  # the desktop window; PySide6 is imported only here
        return run(sys.argv[:1])
    from engine import cli
    return cli.run(args)


def entry() -> None:
    """Console-script entry point (`wenan`)."""
    import multiprocessing

    # In a bundle the window's engine process is this same executable: this runs it and exits.
    multiprocessing.freeze_support()
    sys.exit(main())


if __name__ == "__main__":
    entry()
