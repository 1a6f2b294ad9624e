"""`aiga-bot teams-package`: write the Teams app package (zip) to upload in Teams."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    package = sub.add_parser(
        "teams-package",
        help="write the Teams app package (manifest.json + icons) as a zip to upload")
    package.add_argument("--out", type=Path, default=Path("var") / "aiga-navi-teams.zip",
                         help="zip to write (default: var/aiga-navi-teams.zip)")
    package.add_argument("--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)")
    package.add_argument("--teams-app-id", help="the Teams app's own id (default: the app id)")
    package.add_argument("--website-url",
                         help="the association's https:// site (default: AIGA_WEBSITE_URL)")
    package.add_argument("--privacy-url", help="privacy policy URL (default: the website)")
    package.add_argument("--terms-url", help="terms of use URL (default: the website)")
    package.add_argument("--version", dest="package_version", default="1.0.0",
                         help="package version; raise it for every changed upload (1.0.0)")
    package.set_defaults(func=cmd_teams_package)


def cmd_teams_package(args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.teams.package import PackageError, PackageOptions, build

    settings = load_settings()
    app_id = args.app_id or settings.microsoft_app_id
    website_url = args.website_url or settings.aiga_website_url
    if not app_id:
        print("error: give --app-id or set MICROSOFT_APP_ID (Azure Bot → Configuration)",
              file=sys.stderr)
        return 2
    if not website_url:
        print("error: give --website-url (or set AIGA_WEBSITE_URL): Teams shows it as the "
              "developer's site", file=sys.stderr)
        return 2
    try:
        path = build(PackageOptions(bot_app_id=app_id, website_url=website_url,
                                    privacy_url=args.privacy_url, terms_url=args.terms_url,
                                    version=args.package_version,
                                    teams_app_id=args.teams_app_id), args.out)
    except PackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} — upload it in Teams (Apps → Manage your apps → Upload an app) or in "
          f"the Teams Developer Portal (Apps → Import app)")
    return 0
