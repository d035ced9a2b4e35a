"""Stages per opportunity type: probability, kind, required actions, the advance check."""
from __future__ import annotations

from dataclasses import dataclass

from core.entities import picklists
from core.errors import ValidationError
from core.i18n import pick_label
from core.plugin_api import translator

_, _l = translator("opportunities")

PICKLIST = "opportunity_stage"
ACTIONS = "opportunity_action"


@dataclass(frozen=True)
class Stage:
    value: str
    label: str
    position: int
    probability: int
    kind: str
    required_actions: tuple[str, ...]
    types: tuple[str, ...]
    colour: str | None

    @property
    def is_open(self) -> bool:
        return self.kind == "open"


def all_stages(include_inactive: bool = False) -> list[Stage]:
    return [Stage(value=row.value, label=pick_label(row.labels, row.value), position=row.position,
                  probability=int((row.extra or {}).get("probability", 0)),
                  kind=(row.extra or {}).get("kind", "open"),
                  required_actions=tuple((row.extra or {}).get("required_actions") or ()),
                  types=tuple((row.extra or {}).get("types") or ()), colour=row.colour)
            for row in picklists.values(PICKLIST, include_inactive=include_inactive)]


def stages_for(opportunity_type: str | None) -> list[Stage]:
    """The active stages an opportunity of this type goes through, in pipeline order."""
    return [s for s in all_stages() if not s.types or opportunity_type in s.types]


def get(value: str) -> Stage:
    for s in all_stages(include_inactive=True):
        if s.value == value:
            return s
    raise ValidationError(_("Some fields are not valid."), {"stage": _("%(value)s is not an allowed value.",
                                                                       value=value)})


def first_of_kind(opportunity_type: str | None, kind: str) -> Stage:
    for s in stages_for(opportunity_type):
        if s.kind == kind:
            return s
    raise ValidationError(_("No %(kind)s stage is defined for this opportunity type.", kind=kind))


def check_type(stage: Stage, opportunity_type: str | None) -> None:
    if stage.value not in {s.value for s in stages_for(opportunity_type)}:
        raise ValidationError(_("Some fields are not valid."),
                              {"stage": _("This stage is not used for this opportunity type.")})


def missing_actions(old: Stage, new: Stage, opportunity_type: str | None, completed: list[str]) -> list[str]:
    """Required actions not yet completed for every stage the deal leaves going forward.

    Moving back, or to a lost stage, needs nothing; skipping stages needs the
    actions of each stage skipped over.
    """
    if new.kind == "lost" or new.position <= old.position or not old.is_open:
        return []
    needed: list[str] = []
    for s in stages_for(opportunity_type):
        if s.is_open and old.position <= s.position < new.position:
            needed += [a for a in s.required_actions if a not in completed and a not in needed]
    return needed


def refuse_missing(missing: list[str]) -> None:
    names = [picklists.label_for(ACTIONS, a) for a in missing]
    raise ValidationError(_("Complete the required actions before advancing: %(actions)s.",
                            actions=", ".join(names)),
                          {"stage": _("Missing: %(actions)s.", actions=", ".join(names))},
                          missing_actions=missing)
