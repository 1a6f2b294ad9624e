"""Every sentence the e-mail channel adds around a message (ja, en): the subject's tag and the
footer that says why the reader gets it and where to answer. The message itself is the same
neutral replies the chat gets (bot/email_render.py turns them into plain text and HTML)."""

from __future__ import annotations

from handlers.catalogue import Catalogue

TEXTS: dict[str, tuple[str, str]] = {
    "subject_tag": ("AIGA", "AIGA"),
    "footer_contact": (
        "このメールは一般社団法人AIガバナンス協会（AIGA）の AIガバナンスナビ から、"
        "チャット（Slack / Teams）にご参加でない会員企業のご連絡先としてお送りしています。"
        "ナビへの回答やお問い合わせ、配信先の変更は事務局までご連絡ください。"
        "このメールへの返信は事務局に届かない場合があります。",
        "This e-mail comes from the AI Governance Navi of the AI Governance Association (AIGA), "
        "sent to you as the contact of a member company that is not in the chat (Slack / "
        "Teams). To answer the Navi, ask a question or change where these e-mails go, please "
        "contact the secretariat; replies to this e-mail may not reach it.",
    ),
    "footer_list": (
        "AIGA 事務局から協会のメーリングリストにお送りしています。",
        "Sent by the AIGA secretariat to the association's mailing list.",
    ),
    "attached": ("添付: {names}", "Attached: {names}"),
}

EMAIL = Catalogue(TEXTS)


def say(lang: str, key: str, **values: object) -> str:
    return EMAIL.say(lang, key, **values)
