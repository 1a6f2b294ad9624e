"""The Navi self-assessment: the conversation, its questions, progress and scoring."""
