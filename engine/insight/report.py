"""What the `insights` command prints: one JSON object per aspect then a done line, or a plain report."""
from __future__ import annotations

from .analysis import Insight
from .reviews import ReviewSet


def _r(value: float) -> float:
    return round(value, 4)


def report_lines(insight: Insight, reviews: ReviewSet, top: int, out: str | None = None) -> list[dict]:
    """The --json output: the `top` most mentioned aspects, then {"event": "done", "reviews": N, ...}."""
    selling = {a.name: i for i, a in enumerate(insight.selling_points, 1)}
    pain = {a.name: i for i, a in enumerate(insight.pain_points, 1)}
    lines = []
    for a in insight.aspects[:top]:
        line = {"event": "aspect", "aspect": a.name, "terms": list(a.terms), "mentions": a.mentions,
                "positive": a.positive, "negative": a.negative, "neutral": a.neutral,
                "positive_share": _r(a.positive_share), "negative_share": _r(a.negative_share),
                "phrases": {"positive": [{"text": p.text, "count": p.count} for p in a.positive_phrases],
                            "negative": [{"text": p.text, "count": p.count} for p in a.negative_phrases]},
                "examples": [{"row": e.row, "quote": e.quote, "polarity": e.polarity} for e in a.examples],
                "selling_point_rank": selling.get(a.name), "pain_point_rank": pain.get(a.name)}
        if insight.refined_by:
            line.update(ai_name=a.label, ai_summary=a.summary, ai_generated=True)
        lines.append(line)
    chosen = reviews.chosen
    lines.append({"event": "done", "reviews": len(insight.reviews), "rows": reviews.rows, "blank": reviews.blank,
                  "placeholders": reviews.placeholders, "aspects": len(insight.aspects), "rated": insight.rated,
                  "text_column": chosen.text, "rating_column": chosen.rating, "product_column": chosen.product,
                  "date_column": chosen.date, "refined_by": insight.refined_by or None, "out": out,
                  "elapsed_s": round(insight.elapsed_s, 2)})
    return lines


def report_text(insight: Insight, reviews: ReviewSet, top: int, out: str | None = None) -> str:
    """Selling points and pain points, each with its count, phrases and two quotes with their rows."""
    source = f"the \"{reviews.chosen.rating}\" ratings" if insight.rated else "the reviews' own words"
    lines = [f"{len(insight.reviews):,} reviews of {reviews.path.name} (column \"{reviews.chosen.text}\"); "
             f"praise and criticism from {source}"]
    if not insight.aspects:
        lines.append("No aspects found: the reviews are too short or say too little about the product.")
    for title, points, count, phrases in (
            ("Selling points (卖点)", insight.selling_points, lambda a: a.positive, lambda a: a.positive_phrases),
            ("Pain points (痛点)", insight.pain_points, lambda a: a.negative, lambda a: a.negative_phrases)):
        if not points:
            continue
        lines += ["", title]
        for rank, a in enumerate(points[:top], 1):
            said = ", ".join(f"{p.text} ({p.count})" for p in phrases(a)[:3])
            lines.append(f"{rank:3}. {a.title}  {count(a)} of {a.mentions} reviews ({count(a) / a.mentions:.0%})"
                         + (f" · {said}" if said else ""))
            if a.summary:
                lines.append(f"     {a.summary}  [AI-generated / AI生成]")
            lines += [f"     row {e.row}: “{e.quote}”" for e in a.examples[:2]]
    if out:
        lines += ["", f"Exported to {out}"]
    return "\n".join(lines)
