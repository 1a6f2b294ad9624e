"""The questions of the Navi dialogue as neutral replies: pure functions of their inputs.

Every choice value names the assessment (and item) it belongs to, so a click on an old
message can be recognised as stale by the transition table in handlers/navi/flow.py.
"""

from __future__ import annotations

from handlers.dates import fmt_date
from handlers.navi import order
from handlers.navi.texts import say
from handlers.types import Choice, Question
from rubrics.loader import Explanation, Item, Level, Rubric
from store.models import Assessment, Organisation, Round


def confirm_question(lang: str, org: Organisation | None, rnd: Round, rubric: Rubric) -> Question:
    """「○○社として△△ラウンドを始めますか？」"""
    title = say(lang, "confirm_start", org=org.name if org else "?", round=rnd.name,
                rubric=rubric.name.get(lang), deadline=fmt_date(rnd.deadline_at, lang))
    return Question(
        title=title,
        choices=[
            Choice(say(lang, "confirm_yes"), f"navi:confirm:{rnd.id}:yes", style="primary"),
            Choice(say(lang, "confirm_no"), f"navi:confirm:{rnd.id}:no"),
        ],
        key=f"navi:confirm:{rnd.id}",
    )


def roles_question(lang: str, assessment_id: int) -> Question:
    prefix = f"navi:roles:{assessment_id}"
    return Question(
        title=say(lang, "roles_question"),
        choices=[
            Choice(say(lang, "role_developer"), f"{prefix}:developer"),
            Choice(say(lang, "role_user"), f"{prefix}:user"),
            Choice(say(lang, "role_both"), f"{prefix}:both"),
        ],
        key=prefix,
    )


def item_question(lang: str, assessment: Assessment, rubric: Rubric, item: Item, answers: dict,
                  last_answered: Item | None,
                  previous: tuple[str, Choice] | None = None) -> Question:
    """One item: progress, area, number and title, explanation, the four levels, actions.

    Items are asked area by area (handlers/navi/order.py), so "back" is offered on every item
    but the first of that order. A text we drafted (`draft: true`) is marked 「（案）」. The note
    action is offered for the item answered last (the one the note belongs to); `previous` is
    the previous round's answer (a line and a 「前回と同じ」 button), if any.
    """
    items = order.walk(rubric, assessment.roles)
    answered = sum(1 for i in items if i.id in answers)
    body = drafted(lang, item.explanation)
    if item.id in answers:
        body += "\n" + say(lang, "current_answer",
                           level=say(lang, "level_label", n=answers[item.id].level))
    if previous is not None:
        body += "\n" + previous[0]
    aid = assessment.id
    choices = [
        Choice(say(lang, "level_label", n=n), f"navi:level:{aid}:{item.id}:{n}",
               description=drafted(lang, level))
        for n, level in item.levels.items()
    ]
    actions = [previous[1]] if previous is not None else []
    if item in items and items.index(item) > 0:
        actions.append(Choice(say(lang, "action_back"), f"navi:back:{aid}"))
    actions.append(Choice(say(lang, "action_skip"), f"navi:skip:{aid}"))
    if last_answered is not None and last_answered.id in answers:
        actions.append(Choice(say(lang, "action_note", number=last_answered.number),
                              f"navi:note:{aid}:{last_answered.id}"))
    actions.append(Choice(say(lang, "action_pause"), f"navi:pause:{aid}"))
    in_area = [i for i in items if i.area == item.area]
    position = in_area.index(item) + 1 if item in in_area else 0
    return Question(
        title=say(lang, "item_title", number=item.number, title=item.title.get(lang)),
        body=body,
        choices=choices,
        actions=actions,
        context=say(lang, "item_context", progress=f"{answered}/{len(items)}",
                    area=rubric.area(item.area).name.get(lang), position=position,
                    count=len(in_area)),
        key=f"navi:item:{aid}:{item.id}",
    )


def drafted(lang: str, text: Level | Explanation) -> str:
    """The text in `lang`, marked 「（案）」 while it is our draft awaiting the secretariat (the
    mark itself is the rubric's: rubrics/loader.py `DraftableText.marked`, used everywhere)."""
    return text.marked(lang)


def has_drafts(rubric: Rubric) -> bool:
    return any(i.explanation.draft or any(v.draft for v in i.levels.values())
               for i in rubric.items)


def draft_notice(lang: str, rubric: Rubric) -> str:
    """The one-line notice that the rubric's descriptors are drafts, naming the items that are
    not (the guide describes levels for items 15 and 16 only)."""
    official = [i.number for i in rubric.items
                if any(not level.draft for n, level in i.levels.items() if n > 1)]
    listed = "・".join(str(n) for n in official) if lang == "ja" else (
        ", ".join(str(n) for n in official))
    return say(lang, "draft_notice", official=listed or "—")


def submit_question(lang: str, assessment_id: int, count: int) -> Question:
    key = f"navi:submit:{assessment_id}"
    return Question(
        title=say(lang, "all_answered", count=count),
        choices=[
            Choice(say(lang, "submit_yes"), key, style="primary"),
            Choice(say(lang, "submit_review"), f"navi:review:{assessment_id}"),
        ],
        key=key,
    )
