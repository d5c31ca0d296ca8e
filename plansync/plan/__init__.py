"""The plan layer: markdown text <-> Plan model, with lossless, minimal writes."""

from plansync.plan.model import Category, Item, Kind, Plan, Section, State
from plansync.plan.parse import parse_plan
from plansync.plan.validate import Problem, Severity, validate
from plansync.plan.write import Rename, SetDescription, SetIssueRef, SetMarker, apply_edits

__all__ = [
    "Category",
    "Item",
    "Kind",
    "Plan",
    "Problem",
    "Rename",
    "Section",
    "SetDescription",
    "SetIssueRef",
    "SetMarker",
    "Severity",
    "State",
    "apply_edits",
    "parse_plan",
    "validate",
]
