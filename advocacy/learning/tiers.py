"""The three tiers, in order. Each tier needs a valid certification of the tier below."""
from flask_babel import gettext as _

TIERS = ("basic", "advanced", "expert")
TIER_CHECK = "tier IN ('basic', 'advanced', 'expert')"


def tier_below(tier: str) -> str | None:
    index = TIERS.index(tier)
    return TIERS[index - 1] if index else None


def tier_rank(tier: str) -> int:
    return TIERS.index(tier)


def tier_label(tier: str) -> str:
    """The tier's name in the interface language."""
    return {"basic": _("Basic"), "advanced": _("Advanced"), "expert": _("Expert")}.get(tier, tier)
