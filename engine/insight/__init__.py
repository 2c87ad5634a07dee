"""Review insight: a shop's real reviews in, ranked selling points and pain points out.

`open_reviews(path)` reads a review export once (`engine.data`, so bad files get the Data
page's errors) and `.reviews(...)` picks its text, rating, product and date columns;
`analyze(reviews)` finds the aspects and counts them; `export_insight` writes the result;
`refine_insight` lets a local chat model group, name and summarise the aspects, while every
number and quote still comes from the counting. Nothing here writes or rewrites a review:
every quote is a verbatim substring of a real one.
"""
from .analysis import Aspect, Example, Insight, InsightEvent, Phrase, analyze, regroup
from .aspects import AspectGroup
from .export import INSIGHT_FORMATS, export_insight
from .refine import apply_refinement, refine_insight
from .reviews import (
                      Review,
                      ReviewColumns,
                      ReviewFile,
                      ReviewSet,
                      filter_reviews,
                      open_reviews,
                      parse_date,
                      rating_value,
                      read_reviews,
)
from .segment import prepare

__all__ = ["Aspect", "AspectGroup", "Example", "INSIGHT_FORMATS", "Insight", "InsightEvent", "Phrase", "Review",
           "ReviewColumns", "ReviewFile", "ReviewSet", "analyze", "apply_refinement", "export_insight",
           "filter_reviews", "open_reviews", "parse_date", "prepare", "rating_value", "read_reviews",
           "refine_insight", "regroup"]
