"""Editing the register in chat and in the CLI: edit, rename, remove, unlink, users (issue 15)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.router import Router
from store import orgs
from store.models import Assessment, Organisation, User
from tests.support import factories as f
from tests.support.chat import Chat
from tests.test_console import aiga_bot


def _boss(database) -> tuple[Router, Chat]:
    router = Router(database, admins=frozenset({"console:boss"}))
    boss = Chat(router, "boss")
    boss.say('企業追加 "株式会社 例" ドメイン=rei.example.jp 区分=smb 業種=金融')
    return router, boss


def test_edit_rename_users_unlink_in_japanese_with_labels(database):
    router, boss = _boss(database)
    out = boss.say('企業変更 "株式会社 例" 業種=ヘルスケア 区分=通常枠 ドメイン=rei.example.jp '
                   'ドメイン=rei2.example.jp メモ="理事会社"')
    assert "「株式会社 例」を更新しました（通常枠・ヘルスケア・rei.example.jp, rei2.example.jp）" in out
    assert "業種「宇宙」は使えません" in boss.say('企業変更 "株式会社 例" 業種=宇宙')
    assert "変更する項目がありません" in boss.say('企業変更 "株式会社 例"')
    assert "「株式会社 無い」という会員企業は登録されていません" in boss.say("企業変更 株式会社 無い 業種=IT")
    boss.say('企業紐付け slack:U1 "株式会社 例"')
    Chat(router, "x", platform="slack", email="a@rei2.example.jp").say("状況")  # linked by domain
    users = boss.say('企業ユーザー "株式会社 例"')
    assert "ユーザー 2 人" in users and "slack:U1" in users and "slack:x" in users
    assert "を「株式会社 例」に紐付けました" not in users
    assert "「株式会社 例」を「株式会社 新例」に改名しました" in boss.say(
        '企業名変更 "株式会社 例" "株式会社 新例"')
    assert "紐付けを解除しました" in boss.say("紐付け解除 slack:U1")
    assert "どの会員企業にも紐付いていません" in boss.say("紐付け解除 slack:U1")
    with database.transaction() as s:
        org = orgs.find_org(s, "株式会社 新例")
        assert org.industry == "healthcare" and org.notes == "理事会社"
        assert [u.key for u in orgs.org_users(s, org)] == ["slack:x"]


def test_english_admin_and_members_refused(database):
    router, boss = _boss(database)
    boss.say("english")
    out = boss.say('org edit "株式会社 例" industry=manufacturing')
    assert "Updated '株式会社 例' (SMB / start-up · manufacturing · rei.example.jp)" in out
    assert "Usage: org rename" in boss.say("org rename onlyone")
    boss.say("org add Other domain=other.example.jp")
    assert "already exists" in boss.say('org rename Other "株式会社 例"')
    assert "formula" in boss.say('org rename Other "=1+1"')
    member = Chat(router, "member")
    for text in ('企業削除 "株式会社 例" force', '企業変更 "株式会社 例" 区分=expert',
                 "紐付け解除 console:boss", '企業ユーザー "株式会社 例"', '企業名変更 "株式会社 例" 乗っ取り'):
        assert "事務局（管理者）のみ" in member.say(text), text
    with database.transaction() as s:
        assert orgs.find_org(s, "株式会社 例").membership_class == "smb"


def test_remove_refuses_with_assessments_then_keeps_submitted_history(database):
    _router, boss = _boss(database)
    with database.transaction() as s:
        org = orgs.find_org(s, "株式会社 例")
        old = f.round_(s, "前回", status="closed")
        new = f.round_(s, "今回", opens=f.NOW, deadline=f.NOW)
        f.assessment(s, org, old, {"policy": 3})
        f.assessment(s, org, new, {"policy": 2}, submitted=False)
        f.user(s, "slack:U7", org)
    refused = boss.say('企業削除 "株式会社 例"')
    assert "自己診断が 2 件（提出済み 1 件）" in refused and "force" in refused
    out = boss.say('企業削除 "株式会社 例" force')
    assert "退会済みにしました。提出済みの診断 1 件はレポートの履歴に残します" in out
    with database.transaction() as s:
        gone = s.scalar(select(Organisation).where(Organisation.name == "株式会社 例"))
        assert gone.removed_at is not None and gone.domains == []
        assert [a.status for a in s.scalars(select(Assessment))] == ["submitted"]
        assert s.scalar(select(User).where(User.platform_user_id == "U7")).org_id is None
        assert "株式会社 例" not in [o.name for o in orgs.list_orgs(s)]
    assert "会員企業 0 社" in boss.say("企業一覧")
    # registering the name again brings the company (and its history) back
    assert "を登録しました" in boss.say('企業追加 "株式会社 例" ドメイン=rei.example.jp')
    with database.transaction() as s:
        assert orgs.find_org(s, "株式会社 例").id == gone.id
    assert "を登録しました" in boss.say("企業追加 Empty ドメイン=empty.example.jp")
    assert "「Empty」を削除しました" in boss.say("企業削除 Empty")


def test_cli_edit_rename_remove_unlink_users(database_url, database):
    assert aiga_bot(["org", "add", "--name", "株式会社CLI", "--domain", "cli.example.jp",
                     "--industry", "通信"], database_url).returncode == 0
    edit = aiga_bot(["org", "edit", "株式会社CLI", "--class", "expert"], database_url)
    assert edit.returncode == 0 and "有識者会員・通信" in edit.stdout, edit.stderr
    bad = aiga_bot(["org", "edit", "株式会社CLI", "--industry", "石油"], database_url)
    assert bad.returncode == 2 and "Unknown industry" in bad.stderr and "Traceback" not in bad.stderr
    assert aiga_bot(["org", "link", "teams:aad-1", "株式会社CLI"], database_url).returncode == 0
    users = aiga_bot(["org", "users", "株式会社CLI", "--lang", "en"], database_url)
    assert "1 user(s) of '株式会社CLI'" in users.stdout and "teams:aad-1" in users.stdout
    unlink = aiga_bot(["org", "unlink", "teams:aad-1"], database_url)
    assert unlink.returncode == 0 and "紐付けを解除しました" in unlink.stdout
    rename = aiga_bot(["org", "rename", "株式会社CLI", "株式会社CLI2"], database_url)
    assert rename.returncode == 0 and "改名しました" in rename.stdout
    with database.transaction() as s:
        rnd = f.round_(s, "R")
        f.assessment(s, orgs.find_org(s, "株式会社CLI2"), rnd, {"policy": 1}, submitted=False)
    refused = aiga_bot(["org", "remove", "株式会社CLI2"], database_url)
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = aiga_bot(["org", "remove", "株式会社CLI2", "--force"], database_url)
    assert forced.returncode == 0 and "を削除しました" in forced.stdout
    with database.transaction() as s:
        assert s.scalar(select(Organisation.id)) is None
