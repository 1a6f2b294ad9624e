"""`aiga-bot teams-package`: a zip Teams accepts — manifest valid against Microsoft's schema 1.30
(checked offline with Microsoft's own schema files when the e2e tools are installed), icons of
the sizes and colours Teams requires, files at the root of the zip."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from tests.support.fake_connector import APP_ID

PLAYGROUND = Path(__file__).parent / "e2e" / "playground"
VALIDATOR = PLAYGROUND / "validate-manifest.cjs"
SCHEMAS = PLAYGROUND / "node_modules" / "@microsoft" / "app-manifest"


def build(tmp_path, *extra: str) -> Path:
    out = tmp_path / "navi.zip"
    code = main(["teams-package", "--out", str(out), "--app-id", APP_ID,
                 "--website-url", "https://aiga.example.jp", *extra])
    assert code == 0
    return out


def test_package_contents(tmp_path, artifacts_dir):
    out = build(tmp_path, "--version", "1.2.3")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "en-us.json", "manifest.json",
                                             "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
        english = json.loads(archive.read("en-us.json"))
    assert manifest["manifestVersion"] == "1.30"
    assert manifest["$schema"].endswith("/teams/v1.30/MicrosoftTeams.schema.json")
    assert manifest["version"] == "1.2.3"
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert manifest["developer"]["privacyUrl"] == "https://aiga.example.jp"
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert english["name.short"] == "AIGA Navi"
    assert color.size == (192, 192) and outline.size == (32, 32)
    # outline: white and transparent only (any alpha; colour channels all white)
    rgba = outline.convert("RGBA")
    assert {p[:3] for p in rgba.get_flattened_data() if p[3] > 0} == {(255, 255, 255)}
    assert any(p[3] == 0 for p in rgba.get_flattened_data()) and any(p[3] == 255 for p in rgba.get_flattened_data())
    assert len(set(color.convert("RGB").get_flattened_data())) > 2  # a real colour icon, not blank
    color.save(artifacts_dir / "teams-color-icon.png")
    outline.save(artifacts_dir / "teams-outline-icon.png")


def test_bad_options_are_refused_by_name(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the work tree
    assert main(["teams-package", "--out", str(tmp_path / "a.zip"),
                 "--website-url", "https://aiga.example.jp"]) == 2
    assert "MICROSOFT_APP_ID" in capsys.readouterr().err
    assert main(["teams-package", "--out", str(tmp_path / "b.zip"), "--app-id", APP_ID,
                 "--website-url", "http://insecure.example"]) == 2
    assert "--website-url" in capsys.readouterr().err
    assert main(["teams-package", "--out", str(tmp_path / "c.zip"), "--app-id", "nope",
                 "--website-url", "https://aiga.example.jp"]) == 2
    assert not any(tmp_path.glob("*.zip"))


def test_manifest_is_valid_against_microsofts_schema(tmp_path):
    node = shutil.which("node")
    if node is None or not SCHEMAS.exists():
        pytest.skip("Microsoft's manifest schemas are not installed (bash scripts/install-e2e.sh)")
    out = build(tmp_path)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
    result = subprocess.run([node, str(VALIDATOR), str(folder)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid against schema v1.30" in result.stdout
    # and the validator is not a rubber stamp: a broken manifest fails
    broken = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    broken["bots"][0]["scopes"] = ["everywhere"]
    broken["name"]["short"] = "x" * 40
    (folder / "manifest.json").write_text(json.dumps(broken), encoding="utf-8")
    bad = subprocess.run([node, str(VALIDATOR), str(folder)], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 1 and "scopes" in bad.stdout
