"""Quality: the checks every draft goes through (absolute terms, copying from the training
file, repetition, length limits, missing keywords, claims the seller never made), the
editable lists behind them, and the index that spots copying.
"""
from .checklists import absolute_terms, fold, is_cjk_text, length_rules, platform_key
from .claims import Claim, find_claims
from .checks import (CheckContext, Flag, check_variant, check_variants, flag_text, flags_from_dicts, flags_summary,
                     penalty, rank_variants, score, split_keywords)
from .memorisation import MemoIndex, build_memo_index, memo_for_model, save_training_index

__all__ = ["CheckContext", "Claim", "Flag", "MemoIndex", "absolute_terms", "build_memo_index", "check_variant",
           "check_variants", "find_claims", "flag_text", "flags_from_dicts", "flags_summary", "fold", "is_cjk_text",
           "length_rules", "memo_for_model", "penalty", "platform_key", "rank_variants", "save_training_index",
           "score", "split_keywords"]
