"""The company register: CLI and admin chat commands, admins only, clear errors."""

from __future__ import annotations

from sqlalchemy import select

from handlers.router import Router
from store.models import Organisation, User
from tests.support.chat import Chat
from tests.test_console import aiga_bot


def test_cli_add_link_list(database_url, database):
    added = aiga_bot(["org", "add", "--name", "株式会社ガバナンス", "--domain", "gov.example.jp",
                      "--domain", "@Sub.Gov.example.JP", "--class", "smb"], database_url)
    assert added.returncode == 0, added.stderr
    linked = aiga_bot(["org", "link", "slack:U0123ABC", "株式会社ガバナンス"], database_url)
    assert linked.returncode == 0 and "slack:U0123ABC" in linked.stdout
    listed = aiga_bot(["org", "list"], database_url)
    # labels, not codes (issue 15: no raw `smb` in what the secretariat reads)
    assert "株式会社ガバナンス\tSMB・スタートアップ枠\tgov.example.jp,sub.gov.example.jp" in listed.stdout
    assert "\tsmb\t" not in listed.stdout
    again = aiga_bot(["org", "add", "--name", "別会社", "--domain", "gov.example.jp"], database_url)
    assert again.returncode == 2 and "already belongs" in again.stderr
    bad = aiga_bot(["org", "link", "whatsapp:1", "株式会社ガバナンス"], database_url)
    assert bad.returncode == 2 and "slack:U0123ABC" in bad.stderr
    with database.transaction() as s:
        user = s.scalar(select(User).where(User.platform_user_id == "U0123ABC"))
        assert user.organisation.name == "株式会社ガバナンス"
        assert s.scalar(select(Organisation).where(Organisation.name == "別会社")) is None


def test_admin_chat_commands_and_refusal(database):
    router = Router(database, admins=frozenset({"console:boss"}))
    boss = Chat(router, "boss")
    out = boss.say('org add "Example Holdings" domain=example.com class=regular')
    assert "Registered 'Example Holdings'" in out
    out = boss.say("企業追加 株式会社サンプル ドメイン=sample.co.jp 区分=smb")
    assert "「株式会社サンプル」を登録しました（区分 SMB・スタートアップ枠" in out
    assert "slack:U9 を「株式会社サンプル」に紐付けました" in boss.say("企業紐付け slack:U9 株式会社サンプル")
    listed = boss.say("企業一覧")
    assert "会員企業 2 社（" in listed and "時点）" in listed  # a count says when it was counted
    assert "regular" not in listed and " smb" not in listed
    assert "class must be one of" in boss.say("org add Other domain=other.com class=gold")
    assert "メールドメインの形式ではありません" in boss.say("企業追加 別社 ドメイン=not_a_domain")
    member = Chat(router, "member")
    assert "事務局（管理者）のみ" in member.say("企業追加 乗っ取り ドメイン=evil.example")
    with database.transaction() as s:
        names = {o.name for o in s.scalars(select(Organisation))}
    assert names == {"Example Holdings", "株式会社サンプル"}
    # a linked Slack user is now recognised by the router
    assert "所属会員企業が見つかりませんでした" not in Chat(router, "U9", platform="slack").say("状況")


def test_linked_by_email_domain_including_subdomains(database):
    router = Router(database, admins=frozenset({"console:boss"}))
    Chat(router, "boss").say("org add ACME domain=acme.co.jp")
    assert "ACME" in Chat(router, "x", platform="slack", email="a@tokyo.acme.co.jp").say("状況")
    out = Chat(router, "y", platform="slack", email="a@notacme.co.jp").say("状況")
    assert "所属会員企業が見つかりませんでした" in out
