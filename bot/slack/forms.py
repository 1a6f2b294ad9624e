"""Neutral `Form` replies the Slack way: a modal, its submission back into `Incoming.form`.

Slack opens a modal only with a `trigger_id`, which only a click or a slash command carries
(valid 3 s). So a Form answering a typed DM is posted as a message with one button
「フォームを開く」 whose value is the Form's `open_value`; that click runs the router again, gets
the Form, and — now with a trigger — opens the modal. A Form answering a click or /navi opens
directly.

The submission (`view_submission`, callback id FORM_CALLBACK) carries the neutral submit value
in `private_metadata`; every input's block id and action id are the field's name, so the
values map back by name. A refusal (`FormError`) is shown under the field at fault with
`response_action: errors`, and nothing is saved.
"""

from __future__ import annotations

import json
import re

from bot.slack import blocks
from handlers.types import Choice, Form, FormField

FORM_CALLBACK = "navi-form"
MAX_TITLE = 24  # modal title, submit and close labels
MAX_LABEL = 2000
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_INPUT = 3000
MAX_PLACEHOLDER = 150
MAX_METADATA = 3000
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}$")


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": blocks.shorten(text, limit) or " "}


def _option(choice: Choice) -> dict:
    return {"text": _plain(choice.label, MAX_OPTION_TEXT), "value": choice.value[:MAX_OPTION_VALUE]}


def _element(f: FormField) -> dict:
    element: dict = {"action_id": f.name}
    if f.kind in ("text", "multiline"):
        element["type"] = "plain_text_input"
        if f.kind == "multiline":
            element["multiline"] = True
        element["max_length"] = MAX_INPUT
        if f.value:
            element["initial_value"] = f.value[:MAX_INPUT]
    elif f.kind == "date":
        element["type"] = "datepicker"
        if DATE.match(f.value):
            element["initial_date"] = f.value
    elif f.kind == "time":
        element["type"] = "timepicker"
        if TIME.match(f.value):
            element["initial_time"] = f.value
    else:  # choice
        element["type"] = "static_select"
        options = [_option(c) for c in f.choices[:MAX_OPTIONS]]
        element["options"] = options
        chosen = next((o for o in options if o["value"] == f.value), None)
        if chosen is not None:
            element["initial_option"] = chosen
    if f.hint and f.kind in ("text", "multiline", "date", "choice"):
        element["placeholder"] = _plain(f.hint, MAX_PLACEHOLDER)
    return element


def form_modal(form: Form, close_label: str) -> dict:
    """The modal for a Form; the submit value travels in private_metadata."""
    metadata = json.dumps({"submit": form.submit_value, "key": form.key}, ensure_ascii=False)
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": metadata[:MAX_METADATA],
        "title": _plain(form.title, MAX_TITLE),
        "submit": _plain(form.submit_label, MAX_TITLE),
        "close": _plain(close_label, MAX_TITLE),
        "blocks": [
            {"type": "input", "block_id": f.name, "optional": not f.required,
             "label": _plain(f.label, MAX_LABEL), "element": _element(f)}
            for f in form.fields
        ][:100],
    }


def submit_value(view: dict) -> str | None:
    """The neutral submit value the modal was opened with; None when it is not ours."""
    try:
        value = json.loads(view.get("private_metadata") or "{}").get("submit")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def form_values(view: dict) -> dict[str, str]:
    """{field name: value} from a view_submission's state, whatever the input type."""
    values: dict[str, str] = {}
    state = ((view.get("state") or {}).get("values") or {})
    for block_id, actions in state.items():
        if not isinstance(actions, dict):
            continue
        for action in actions.values():
            if not isinstance(action, dict):
                continue
            option = action.get("selected_option") or {}
            value = (action.get("value") if "value" in action else
                     action.get("selected_date") or action.get("selected_time")
                     or option.get("value"))
            values[str(block_id)] = value.strip() if isinstance(value, str) else ""
    return values


def field_errors(view: dict, field: str, message: str) -> dict[str, str]:
    """`errors` for response_action: under the field at fault, else under the first input."""
    names = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"]
    names = names or list(((view.get("state") or {}).get("values") or {}).keys())
    target = field if field in names else (names[0] if names else field or "title")
    return {target: blocks.shorten(message, MAX_LABEL)}
