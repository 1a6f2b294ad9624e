"""Write public-comment.xlsx: the same five-question survey as a workbook the secretariat can
edit in Excel (sheets 「設定」 and 「設問」), then `aiga-bot survey create public-comment.xlsx`."""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

SETTINGS = [
    ("title", "AI事業者ガイドライン改定案へのパブリックコメントに関する会員アンケート"),
    ("title_en", "Member survey for the public comment on the revised AI Guidelines for Business"),
    ("intro", "協会としてパブリックコメントを提出するため、会員企業のご意見を伺います。"),
    ("mode", "company"), ("anonymity", "named"), ("audience", "class:regular"),
    ("deadline", "2027-01-15"),
]
QUESTIONS = [
    ("種類", "設問", "設問(英)", "必須", "選択肢", "選択肢(英)"),
    ("単一選択", "改定案の方向性に賛成ですか。", "Do you support the direction of the revision?",
     "必須", "賛成|おおむね賛成|どちらともいえない|反対", "Support|Mostly support|Neutral|Oppose"),
    ("複数選択", "特に意見のある章をすべて選んでください。", "Which chapters do you have views on?",
     "任意", "総論|AI開発者|AI提供者|AI利用者|別添",
     "General|AI developers|AI providers|AI users|Appendix"),
    ("5段階", "改定案は実務で使いやすいと思いますか。", "Is the revision practical to use?", "必須",
     "使いにくい|使いやすい", "Hard to use|Easy to use"),
    ("短文", "ご回答の部署名", "Your department", "任意", "", ""),
    ("長文", "パブリックコメントに含めたいご意見をお書きください。", "What should the public comment say?",
     "必須", "", ""),
]


def write(path: Path, deadline: str | None = None) -> Path:
    book = Workbook()
    settings = book.active
    settings.title = "設定"
    for key, value in SETTINGS:
        settings.append([key, deadline if key == "deadline" and deadline else value])
    questions = book.create_sheet("設問")
    for row in QUESTIONS:
        questions.append(list(row))
    book.save(path)
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else "public-comment.xlsx")))
