"""The secretariat's supplementary FAQ entries, searched together with the guide's.

An admin turns a good answer into an entry (「FAQ追加 12」); it lives in the database
(store/faq.py `Supplement`), not in the guide's YAML, so the bot learns without a code change.
Each process keeps one engine per version of the supplements (a count-and-max query per FAQ
turn): when nothing changed, the shipped engine's index is reused as it is; when an entry was
added or removed, the index is rebuilt once (about fifty entries: a few milliseconds).
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from handlers.faq.engine import Engine
from handlers.faq.knowledge import Bilingual, Entry, Keywords, Source
from handlers.faq.retrieval import Index
from store import faq as store
from store.faq import Supplement

PREFIX = "sec-"  # entry ids of supplements: "sec-3" (S3)


def is_supplement(entry_id: str) -> bool:
    return entry_id.startswith(PREFIX)


def supplement_id(entry_id: str) -> int | None:
    rest = entry_id.removeprefix(PREFIX)
    return int(rest) if is_supplement(entry_id) and rest.isdecimal() else None


def as_entry(row: Supplement) -> Entry | None:
    """A supplement as a guide entry; a language not given shows the other one (the reader is
    told, see render.entry). None when the row holds no usable pair."""
    q_ja, q_en = (row.question_ja or "").strip(), (row.question_en or "").strip()
    a_ja, a_en = (row.answer_ja or "").strip(), (row.answer_en or "").strip()
    if not (q_ja or q_en) or not (a_ja or a_en):
        return None
    when = row.created_at.strftime("%Y-%m-%d")
    only = "ja" if not a_en else "en" if not a_ja else ""
    return Entry(
        id=f"{PREFIX}{row.id}",
        title=Bilingual(ja=q_ja or q_en, en=q_en or q_ja),
        answer=Bilingual(ja=a_ja or a_en, en=a_en or a_ja),
        # the section is a required field of the guide's entries; render.entry cites a
        # supplement by `detail` only ("事務局による追加（日付）"), never as the guide
        source=Source(section="membership", detail=Bilingual(ja=f"{when}|{only}",
                                                             en=f"{when}|{only}")),
        keywords=Keywords(),
    )


class Supplemented:
    """The shipped engine plus the live supplements, rebuilt only when they change."""

    def __init__(self, base: Engine) -> None:
        self.base = base
        self._lock = threading.Lock()
        self._version: tuple[int, int, int] = (0, 0, 0)
        self._engine = base

    def engine(self, session: Session | None) -> Engine:
        if session is None:
            return self.base
        version = store.supplements_version(session)
        if version == self._version:
            return self._engine
        with self._lock:
            if version != self._version:
                self._engine = self._build(session)
                self._version = version
            return self._engine

    def _build(self, session: Session) -> Engine:
        extra = [e for e in (as_entry(r) for r in store.live_supplements(session)) if e]
        if not extra:
            return self.base
        kb = self.base.kb.model_copy(update={"entries": [*self.base.kb.entries, *extra]})
        return Engine(kb, Index(kb), self.base.silent_topics, supplemented=True)
