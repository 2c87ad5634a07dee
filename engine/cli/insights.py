"""insights: what real reviews praise and criticise, ranked, with verbatim quotes."""
from __future__ import annotations

import sys
import threading
from argparse import Namespace

from ..common.errors import message
from .output import EXIT_INTERRUPTED, EXIT_OK, ctrl_c_cancels, json_line

def _date_option(option: str, value: str | None):
    from ..common.errors import ConfigError
    from ..insight import parse_date

    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise ConfigError("bad_value", option=option, value=value, hint="Use a date such as 2024-05-01.")
    return day


def cmd_insights(args: Namespace) -> int:
    from ..common.errors import ConfigError, ExportError, current_language
    from ..common.options import at_least
    from ..insight import INSIGHT_FORMATS, analyze, export_insight, filter_reviews, read_reviews, refine_insight
    from ..insight.report import report_lines, report_text

    at_least("--top", args.top, 1)
    since, until = _date_option("--since", args.since), _date_option("--until", args.until)
    if args.out and not args.out.lower().endswith(INSIGHT_FORMATS):
        raise ExportError("insight_out_format", path=args.out)
    reviews = read_reviews(args.file, args.text_column, args.rating_column, args.product_column, args.date_column)
    if args.product and not reviews.chosen.product:
        raise ConfigError("bad_value", option="--product", value=args.product,
                          hint="The file has no product column; name it with --product-column.")
    if (since or until) and not reviews.chosen.date:
        raise ConfigError("bad_value", option="--since/--until", value=args.since or args.until,
                          hint="The file has no date column; name it with --date-column.")
    subset = filter_reviews(reviews.reviews, args.product, since, until)
    cancel = threading.Event()
    bar = None

    def on_event(e) -> None:
        nonlocal bar
        if args.json or not e.total or e.phase == "done":
            return
        if bar is None or bar.desc != e.phase:
            if bar is not None:
                bar.close()
            from tqdm import tqdm
            bar = tqdm(total=e.total, desc=e.phase, unit="review", dynamic_ncols=True, file=sys.stderr, leave=False)
        bar.update(e.done - bar.n)

    with ctrl_c_cancels(cancel):
        try:
            insight = analyze(subset, on_event=on_event, cancel=cancel)
            if args.model and not insight.cancelled:
                insight = refine_insight(insight, args.model, lang=current_language(), on_event=on_event, cancel=cancel)
        finally:
            if bar is not None:
                bar.close()
    if insight.cancelled:
        print(message("cli_insights_stopped"), file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.out:
        export_insight(insight, args.out)
    if args.json:
        for obj in report_lines(insight, reviews, args.top, args.out):
            json_line(obj)
    else:
        print(report_text(insight, reviews, args.top, args.out))
    return EXIT_OK
