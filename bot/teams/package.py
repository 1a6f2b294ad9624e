"""The Teams app package: manifest.json (schema 1.30), en-us.json, colour and outline icons, in
one zip ready for the Teams Developer Portal or Teams admin center ("Upload a custom app").

The icons are drawn here with Pillow rather than committed as binaries, so they can be changed
in code review: a 192×192 full-colour icon and a 32×32 outline icon that is white on a
transparent background only, as Teams requires. The manifest template lives beside this file
(package/manifest.json) with {{PLACEHOLDERS}} for what differs per installation.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

TEMPLATE_DIR = Path(__file__).parent / "package"
ACCENT = (0x1F, 0x4E, 0x9C)
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^\d{1,5}\.\d{1,5}\.\d{1,5}$")


class PackageError(ValueError):
    """A value the package cannot be built with; the message names the option."""


@dataclass(frozen=True)
class PackageOptions:
    bot_app_id: str  # MICROSOFT_APP_ID: the Azure Bot's app registration
    website_url: str
    privacy_url: str | None = None  # default: the website
    terms_url: str | None = None  # default: the website
    version: str = "1.0.0"  # raise it for every upload of a changed package
    teams_app_id: str | None = None  # default: the bot's app id


def _https(url: str | None, option: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError(f"{option}: must be an https:// URL")
    return url  # type: ignore[return-value]


def manifest(options: PackageOptions) -> dict:
    """The filled-in manifest; every placeholder checked first."""
    if not _GUID.match(options.bot_app_id or ""):
        raise PackageError("--app-id / MICROSOFT_APP_ID: must be the bot's Microsoft App ID "
                           "(a GUID)")
    teams_id = options.teams_app_id or options.bot_app_id
    if not _GUID.match(teams_id):
        raise PackageError("--teams-app-id: must be a GUID")
    if not _VERSION.match(options.version):
        raise PackageError("--version: must look like 1.0.0")
    website = _https(options.website_url, "--website-url")
    values = {
        "VERSION": options.version,
        "TEAMS_APP_ID": teams_id.lower(),
        "MICROSOFT_APP_ID": options.bot_app_id.lower(),
        "WEBSITE_URL": website,
        "PRIVACY_URL": _https(options.privacy_url or website, "--privacy-url"),
        "TERMS_URL": _https(options.terms_url or website, "--terms-url"),
    }
    text = (TEMPLATE_DIR / "manifest.json").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", json.dumps(value)[1:-1])
    if "{{" in text:
        raise PackageError("manifest template has an unknown placeholder")
    return json.loads(text)


# ----- icons ------------------------------------------------------------------------------------


def _compass(draw: ImageDraw.ImageDraw, size: int, colour: tuple, width: int) -> None:
    """A compass (the "navi"): a ring and a needle pointing up-right, with a centre dot."""
    m = size * 0.12
    draw.ellipse([m, m, size - m, size - m], outline=colour, width=width)
    c = size / 2
    r = size * 0.30
    tip = (c + r * 0.7, c - r * 0.7)
    tail = (c - r * 0.7, c + r * 0.7)
    side = size * 0.09
    left = (c - side * 0.7, c - side * 0.7)
    right = (c + side * 0.7, c + side * 0.7)
    draw.polygon([tip, right, tail, left], fill=colour)
    dot = size * 0.045
    draw.ellipse([c - dot, c - dot, c + dot, c + dot], fill=colour)


def color_icon() -> bytes:
    """192×192, full colour: a white compass on the accent blue."""
    scale = 4  # draw large, then shrink: smooth edges without anti-aliasing support
    big = Image.new("RGBA", (COLOR_SIZE * scale,) * 2, (*ACCENT, 255))
    _compass(ImageDraw.Draw(big), COLOR_SIZE * scale, (255, 255, 255, 255), 10 * scale)
    return _png(big.resize((COLOR_SIZE, COLOR_SIZE), Image.LANCZOS))


def outline_icon() -> bytes:
    """32×32, white on transparent only (Teams recolours it)."""
    scale = 8
    big = Image.new("L", (OUTLINE_SIZE * scale,) * 2, 0)
    _compass(ImageDraw.Draw(big), OUTLINE_SIZE * scale, 255, 3 * scale)
    alpha = big.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.LANCZOS)
    icon = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (255, 255, 255, 0))
    icon.putalpha(alpha)
    return _png(icon)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ----- the zip ----------------------------------------------------------------------------------


def build(options: PackageOptions, out: Path) -> Path:
    """Write the zip (files at its root, as Teams expects) and return its path."""
    files = {
        "manifest.json": json.dumps(manifest(options), ensure_ascii=False, indent=2).encode(),
        "en-us.json": (TEMPLATE_DIR / "en-us.json").read_bytes(),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out
