"""What the answering conversation shows: the intro, one question, the review, saved answers.

Pure functions of a survey and a draft (answers by question position: a choice number for
single choice and the 1–5 scale, a sorted list of numbers for multiple choice, text for free
text), so the console, Slack and Teams show the same thing and a test can compare values.
"""

from __future__ import annotations

from datetime import datetime

from handlers.dates import fmt_datetime
from handlers.surveys.definition import TEXT_LIMITS
from handlers.surveys.texts import say
from handlers.types import Choice, Fields, Form, FormField, Question, Reply
from store.surveys import Survey, SurveyQuestion

FORM_PLATFORMS = frozenset({"teams", "slack"})  # free text may also come from a Form (modal)
CHOICE_KINDS = ("single", "multi", "scale")


def title(survey: Survey, lang: str) -> str:
    return (survey.title_en or survey.title) if lang == "en" else survey.title


def intro_text(survey: Survey, lang: str) -> str:
    return ((survey.intro_en or survey.intro) if lang == "en" else survey.intro) or ""


def question_text(q: SurveyQuestion, lang: str) -> str:
    return (q.text_en or q.text) if lang == "en" else q.text


def choice_labels(q: SurveyQuestion, lang: str) -> list[str]:
    if q.kind == "scale":
        return [str(n) for n in range(1, 6)]
    if lang == "en" and q.choices_en:
        return list(q.choices_en)
    return list(q.choices or [])


def scale_ends(q: SurveyQuestion, lang: str) -> tuple[str, str]:
    ends = (q.choices_en if lang == "en" and q.choices_en else q.choices) or []
    if len(ends) == 2:
        return ends[0], ends[1]
    return say(lang, "scale_low"), say(lang, "scale_high")


def shown_value(q: SurveyQuestion, value: object, lang: str) -> str:
    """An answer as words ("（未回答）" when there is none)."""
    if value is None or value == [] or value == "":
        return say(lang, "skipped")
    labels = choice_labels(q, lang)
    if q.kind == "scale" and isinstance(value, int):
        low, high = scale_ends(q, lang)
        return f"{value}" + (f"（{low}）" if value == 1 else f"（{high}）" if value == 5 else "")
    if q.kind == "single" and isinstance(value, int) and 1 <= value <= len(labels):
        return labels[value - 1]
    if q.kind == "multi" and isinstance(value, list):
        return "、".join(labels[v - 1] for v in value if isinstance(v, int)
                        and 1 <= v <= len(labels)) or say(lang, "skipped")
    return str(value)


def facts(survey: Survey, lang: str) -> str:
    return say(lang, "intro_facts", n=len(survey.questions),
               deadline=fmt_datetime(survey.deadline_at, lang),
               mode=say(lang, f"mode_{survey.mode}"),
               anonymity=say(lang, f"anon_{survey.anonymity}"))


def intro(survey: Survey, lang: str, *, has_answers: bool, resuming: bool) -> Question:
    """The survey's intro with its facts (and the anonymity trade-off), and how to begin."""
    sid = survey.id
    if has_answers:
        choices = [Choice(say(lang, "change"), f"survey:begin:{sid}", style="primary"),
                   Choice(say(lang, "keep"), f"survey:keep:{sid}")]
    else:
        label = "continue" if resuming else "begin"
        choices = [Choice(say(lang, label), f"survey:begin:{sid}", style="primary"),
                   Choice(say(lang, "act_cancel"), f"survey:cancel:{sid}")]
    body = "\n\n".join(x for x in (intro_text(survey, lang), facts(survey, lang)) if x)
    return Question(title=say(lang, "intro_title", id=sid, title=title(survey, lang)),
                    body=body, choices=choices, key=f"survey:{sid}:intro")


def saved_answers(survey: Survey, values: dict[int, object], lang: str, heading: str) -> Fields:
    """The answers already sent (a company's, shown to a colleague before they change them)."""
    rows = [(f"{q.position}. {question_text(q, lang)}", shown_value(q, values.get(q.position),
                                                                      lang))
            for q in survey.questions]
    return Fields(title=heading, fields=rows)


def ask(survey: Survey, index: int, answers: dict[str, object], selecting: list[int],
        lang: str, platform: str) -> list[Reply]:
    """Question `index` (0-based) with its choices and the moves allowed there."""
    q = survey.questions[index]
    sid, pos, total = survey.id, q.position, len(survey.questions)
    current = answers.get(str(pos))
    labels = choice_labels(q, lang)
    body = [question_text(q, lang)]
    choices: list[Choice] = []
    if q.kind in ("single", "scale"):
        choices = [Choice(label, f"survey:pick:{sid}:{pos}:{n}",
                          style="primary" if current == n else "default")
                   for n, label in enumerate(labels, start=1)]
        if q.kind == "scale":
            body.append(say(lang, "scale_ends", low=scale_ends(q, lang)[0],
                            high=scale_ends(q, lang)[1]))
    elif q.kind == "multi":
        picked = set(selecting)
        choices = [Choice(("☑ " if n in picked else "☐ ") + label,
                          f"survey:toggle:{sid}:{pos}:{n}") for n, label in enumerate(labels, 1)]
        typed = platform == "console"
        body.append(say(lang, "q_multi_hint_typed" if typed else "q_multi_hint"))
    else:
        limit = TEXT_LIMITS[q.kind]
        form = platform in FORM_PLATFORMS
        body.append(say(lang, "q_text_hint_form" if form else "q_text_hint", limit=f"{limit:,}"))
    if current not in (None, "", []):
        body.append(say(lang, "q_current", value=shown_value(q, current, lang)))
    actions = [Choice(say(lang, "act_back"), f"survey:back:{sid}")]
    if q.kind == "multi" and platform != "console":
        actions.insert(0, Choice(say(lang, "act_done"), f"survey:done:{sid}:{pos}",
                                 style="primary"))
    if q.kind in ("short", "long") and platform in FORM_PLATFORMS:
        actions.append(Choice(say(lang, "act_form"), f"survey:form:{sid}:{pos}"))
    if current not in (None, "", []):
        actions.append(Choice(say(lang, "act_keep"), f"survey:next:{sid}:{pos}"))
    if not q.required:
        actions.append(Choice(say(lang, "act_skip"), f"survey:skip:{sid}:{pos}"))
    actions.append(Choice(say(lang, "act_pause"), f"survey:pause:{sid}"))
    req = say(lang, "required_mark" if q.required else "optional_mark")
    head = say(lang, "q_title", n=pos, total=total, kind=say(lang, f"kind_{q.kind}"), req=req)
    return [Question(title=head, body="\n".join(body), choices=choices, actions=actions,
                     context=title(survey, lang), key=f"survey:{sid}:q{pos}")]


def text_form(survey: Survey, index: int, answers: dict[str, object], lang: str) -> Form:
    """The free-text answer as a form (a Teams card with an input; a Slack modal)."""
    q = survey.questions[index]
    sid, pos = survey.id, q.position
    current = answers.get(str(pos))
    field = FormField("answer", question_text(q, lang)[:150],
                      kind="multiline" if q.kind == "long" else "text", required=q.required,
                      value=current if isinstance(current, str) else "",
                      hint=say(lang, "q_text_hint", limit=f"{TEXT_LIMITS[q.kind]:,}"))
    return Form(key=f"survey:form:{sid}:{pos}", title=say(lang, "form_title", n=pos),
                fields=[field], submit_label=say(lang, "form_submit"),
                submit_value=f"survey:formsend:{sid}:{pos}", open_value=f"survey:form:{sid}:{pos}",
                open_label=say(lang, "act_form"))


def review(survey: Survey, answers: dict[str, object], lang: str) -> list[Reply]:
    """Every answer before sending, with a button to change each one."""
    sid = survey.id
    rows = [(f"{q.position}. {question_text(q, lang)}",
             shown_value(q, answers.get(str(q.position)), lang)) for q in survey.questions]
    choices = [Choice(say(lang, "act_send"), f"survey:send:{sid}", style="primary")]
    choices += [Choice(say(lang, "act_edit", n=q.position), f"survey:edit:{sid}:{q.position}")
                for q in survey.questions]
    actions = [Choice(say(lang, "act_back"), f"survey:back:{sid}"),
               Choice(say(lang, "act_pause"), f"survey:pause:{sid}"),
               Choice(say(lang, "act_cancel"), f"survey:cancel:{sid}")]
    return [Fields(title=say(lang, "review_title"), fields=rows),
            Question(title=say(lang, "review_footer"), choices=choices, actions=actions,
                     context=title(survey, lang), key=f"survey:{sid}:review")]


def when(value: datetime, lang: str) -> str:
    return fmt_datetime(value, lang)
