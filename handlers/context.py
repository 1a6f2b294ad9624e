"""The explicit per-turn context that every handler receives (nothing injected by name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from handlers.types import Incoming, Lang

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from store.models import ConversationState, User


@dataclass
class Turn:
    """One incoming message being handled inside one database transaction.

    `data` is the user's conversation data (JSON); the router writes it back to the
    conversation_states row at the end of the turn. Each flow keeps its typed state under its
    own key ("navi", "faq", ...) through handlers/flow.py `load_state` / `save_state`.
    """

    msg: Incoming
    session: Session
    user: User
    conv: ConversationState
    lang: Lang
    now: datetime  # aware, Asia/Tokyo
    data: dict = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return bool(self.user.is_admin)

    def t(self, ja: str, en: str) -> str:
        """Pick the user's language for an inline pair (prefer a capability's `texts.py`)."""
        return en if self.lang == "en" else ja
