"""The Navi ver1.1 rubric matches the guide; schema errors name the place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rubrics.loader import RubricError, RubricRegistry, load_rubric, registry

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "aiga-membership-guide.ja.txt"

# Transcribed from the guide's ver1.1 table (item 24 with the guide's OCR typo 繙 corrected to 継).
EXPECTED = {
    "ルール・プロセスの明文化": {1: "AIポリシー", 2: "AI利用ルール", 3: "AI管理ルール",
                          11: "ガバナンス全体の不断の見直し", 12: "リスクベースアプローチ",
                          13: "ハイリスクなAIへの対応"},
    "周知徹底・人材育成": {4: "AIユースケースの把握・整理", 5: "社内ルールの浸透",
                   34: "活用段階に応じた人材要件の定義", 35: "AIリスクについての周知徹底",
                   36: "AIリスク管理を担う人材の育成"},
    "組織体制整備": {6: "経営層のオーナーシップと役割分担の明確化", 7: "AIガバナンス構築の戦略的位置付け",
               8: "関連領域の知見の集積・交流", 9: "社内における客観的な視点の確保",
               10: "インシデント発生時の対応フローの確立"},
    "各リスク領域への対策": {14: "個人情報・個人データの適正な取得", 15: "個人情報・個人データの適正な利用",
                    16: "データ取得における知的財産権の尊重", 17: "AIの利用における知的財産権の尊重",
                    18: "AIの設計における人間との相互作用のあり方、多様性・包摂性の考慮",
                    19: "AIの精度低下や出力の誤りへの対策", 20: "AIのバイアス・倫理的に問題のある出力への対策",
                    21: "AIの悪用への技術的対策", 22: "AIに対する攻撃への技術的対策",
                    23: "AIの悪用や攻撃へのルール設計による対策"},
    "透明性・アカウンタビリティ確保": {24: "継続的なリスク管理", 25: "組織やルールに対する外部の視点からの検証",
                          26: "第三者による技術面のリスク検証", 27: "ステークホルダーとの対話",
                          28: "バリューチェーン全体でのガバナンス実現", 29: "透明性の確保",
                          30: "アカウンタビリティの確保", 31: "監査可能性の確保",
                          32: "データのトレーサビリティの確保", 33: "環境・持続可能性への影響の考慮"},
}


@pytest.fixture(scope="module")
def rubric():
    return registry().get("1.1")


def test_items_titles_and_areas_match_the_guide(rubric):
    assert len(rubric.items) == 36
    assert sorted(i.number for i in rubric.items) == list(range(1, 37))
    by_area = {a.name.ja: {i.number: i.title.ja for i in rubric.items if i.area == a.id}
               for a in rubric.areas}
    assert by_area == EXPECTED
    assert [len(v) for v in by_area.values()] == [6, 5, 5, 10, 10]


def test_every_level_in_both_languages(rubric):
    for item in rubric.items:
        assert list(item.levels) == [1, 2, 3, 4], item.number
        assert item.levels[1].ja == "未着手/わからない"
        for level in item.levels.values():
            assert level.ja.strip() and level.en.strip()
        assert item.title.en.strip() and item.explanation.ja.strip() and item.explanation.en.strip()
        assert item.applies_to


def test_guide_descriptors_for_items_15_and_16_are_not_drafts(rubric):
    by_number = {i.number: i for i in rubric.items}
    assert [by_number[15].levels[n].draft for n in (2, 3, 4)] == [False, False, False]
    assert [by_number[16].levels[n].draft for n in (3, 4)] == [False, False]
    assert "個人情報保護法遵守のためのチェックプロセス" in by_number[15].levels[3].ja
    assert "知財部門または外部専門家にアジャイルに相談" in by_number[16].levels[4].ja
    drafts = [i.number for i in rubric.items if i.levels[2].draft]
    assert 15 not in drafts and len(drafts) == 35  # own text is marked for the secretariat


def test_roles_filter_items(rubric):
    dev = rubric.applicable(["developer"])
    user = rubric.applicable(["user"])
    both = rubric.applicable(["developer", "user"])
    assert len(both) == 36
    assert 0 < len(dev) < 36 and 0 < len(user) < 36
    assert {i.number for i in dev} | {i.number for i in user} == set(range(1, 37))


@pytest.mark.skipif(not GUIDE.exists(), reason="the shared guide is not beside this checkout")
def test_titles_appear_in_the_guide_text(rubric):
    guide = GUIDE.read_text(encoding="utf-8")
    for item in rubric.items:
        title = "繙続的なリスク管理" if item.number == 24 else item.title.ja
        assert f"{item.number} {title}" in guide, item.number


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load((Path("tests/fixtures/rubrics/navi-0.9.yaml")).read_text("utf-8"))
    mutate(raw)
    path = tmp_path / "navi-9.9.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r["items"][2]["levels"].pop(3), ["navi-9.9.yaml", "item 4 (cases)", "levels",
                                                     "missing level"]),
        (lambda r: r["items"][1].__setitem__("number", 1), ["navi-9.9.yaml", "item 1",
                                                             "number", "duplicate"]),
        (lambda r: r["items"][0].__setitem__("area", "nowhere"), ["navi-9.9.yaml", "item 1",
                                                                  "area", "nowhere"]),
        (lambda r: r["items"][3]["levels"][2].pop("en"), ["navi-9.9.yaml", "item 6 (owner)",
                                                          "levels.2.en"]),
    ],
)
def test_schema_errors_name_file_item_and_field(tmp_path, mutate, expected):
    path = _write(tmp_path, mutate)
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    for part in expected:
        assert part in str(err.value)


def test_registry_refuses_a_broken_folder(tmp_path):
    _write(tmp_path, lambda r: r["items"][0].__setitem__("area", "nowhere"))
    with pytest.raises(RubricError):
        RubricRegistry(tmp_path)
