"""The fair floor for bench/teams_latency.py: a minimal botbuilder app doing an answer's calls.

The same stack as ours (botbuilder's CloudAdapter on aiohttp, one process), the Bot Framework
token of every request validated against the same OpenID / JWKS endpoint (the fake connector's),
and per answer the same connector calls our bot makes for one answer, to the same fake connector:
`update_activity` (PUT: the answered card, buttons removed) and `send_activity` (POST, a reply to
the incoming activity: the next question card, four Action.Submit buttons). No database, no
router, no rendering beyond a fixed small Adaptive Card: whatever our server spends beyond this
is the cost of our own work. The next card reaching the connector is what the benchmark waits
for, exactly as for our server.

Like ours, it keeps msrest's retry codes in a frozenset, one connector client per service URL
and audience, and one user-token client per app id (see bot/teams/connector.py): a floor that
built three clients per turn, as the stock CloudAdapter does, would be inflated by work our
server no longer does (`--fresh-clients` keeps the stock behaviour, to see the difference).
Outgoing calls carry an Entra ID token, as ours do; `offline_entra()` answers MSAL's token
request locally (instantly, one fixed token), here and in our server, so nothing leaves the
machine and neither side pays for a token fetch.

    python bench/teams_floor_app.py --port 3100 --app-id GUID --tenant GUID \
        --metadata-url http://127.0.0.1:PORT/openid/.well-known/openidconfiguration
"""

from __future__ import annotations

import argparse
import itertools
import logging
from typing import ClassVar

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, ActivityTypes, Attachment
from botframework.connector.auth import (
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    ConnectorFactory,
)
from msrest.universal_http.requests import ClientRetryPolicy

# the same one-line fix as bot/teams/connector.py (msrest's retry codes as a frozenset, ~5 ms
# per client otherwise): the floor must not pay a cost our server no longer does
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
LEVELS = ("1点", "2点", "3点", "4点")
ENTRA_TOKEN = "bench-entra-token"


# ----- Entra ID, answered locally ------------------------------------------------------------------


class LocalEntra:
    """Stands in for MSAL's ConfidentialClientApplication: the client-credentials token of the
    bot's outgoing calls, issued at once without leaving the machine."""

    def __init__(self, client_id: str, client_credential: object = None,
                 authority: str | None = None, **_kw: object) -> None:
        self.client_id = client_id

    def acquire_token_silent(self, scopes: list[str], account: object = None,
                             **_kw: object) -> dict:
        return {"access_token": ENTRA_TOKEN, "token_type": "Bearer", "expires_in": 3600}

    def acquire_token_for_client(self, scopes: list[str], **_kw: object) -> dict:
        return self.acquire_token_silent(scopes)


def offline_entra() -> None:
    """Make botframework's MicrosoftAppCredentials use LocalEntra (call before serving)."""
    from botframework.connector.auth import microsoft_app_credentials

    microsoft_app_credentials.ConfidentialClientApplication = LocalEntra


# ----- cards ----------------------------------------------------------------------------------------


def question_card(n: int) -> dict:
    """A small question: progress, title, four level buttons (the benchmark presses one)."""
    return {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "TextBlock", "text": f"{n} 回答済み", "size": "Small", "isSubtle": True},
        {"type": "TextBlock", "text": f"{n + 1}\\. 質問", "weight": "Bolder", "wrap": True},
        {"type": "ActionSet", "actions": [
            {"type": "Action.Submit", "title": label,
             "data": {"aiga": f"navi:level:item{n}:{i + 1}"}} for i, label in enumerate(LEVELS)]},
    ]}


def answered_card(choice: str) -> dict:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "TextBlock", "text": f"✓ 回答しました: {choice}", "wrap": True}]}


def card_activity(card: dict, summary: str, activity_id: str | None = None) -> Activity:
    return Activity(type=ActivityTypes.message, id=activity_id, summary=summary,
                    attachments=[Attachment(content_type=CARD_TYPE, content=card)])


# ----- the bot ----------------------------------------------------------------------------------------


class FloorBot(ActivityHandler):
    """Per answer (a message activity carrying an Action.Submit value): replace the answered
    card, then post the next question card in reply."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        n = next(self.counter)
        if activity.reply_to_id:
            await turn_context.update_activity(card_activity(
                answered_card(str(value.get("aiga", ""))[-1:] + "点"), "✓",
                activity.reply_to_id))
        await turn_context.send_activity(card_activity(question_card(n), f"{n + 1}. 質問"))


class _Configuration:
    """The attribute names ConfigurationServiceClientCredentialFactory reads."""

    def __init__(self, app_id: str, password: str, tenant: str) -> None:
        self.APP_ID = app_id
        self.APP_PASSWORD = password
        self.APP_TYPE = "SingleTenant"
        self.APP_TENANTID = tenant


def authentication(app_id: str, password: str, tenant: str,
                   metadata_url: str) -> BotFrameworkAuthentication:
    """The SDK's own validation (issuer, audience, service URL claim, key endorsements) against
    `metadata_url`, the public cloud's values otherwise, as our server configures it."""
    return BotFrameworkAuthenticationFactory.create(
        to_channel_from_bot_login_url=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        to_channel_from_bot_oauth_scope=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        to_bot_from_channel_token_issuer=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        oauth_url=AuthenticationConstants.OAUTH_URL,
        to_bot_from_channel_open_id_metadata_url=metadata_url,
        to_bot_from_emulator_open_id_metadata_url=metadata_url,
        validate_authority=True,
        credential_factory=ConfigurationServiceClientCredentialFactory(
            _Configuration(app_id, password, tenant)),
    )


class KeptClients(ConnectorFactory):
    """One connector client per service URL and audience, kept for the next turns."""

    clients: ClassVar[dict[tuple[str, str | None], object]] = {}  # one set per process

    def __init__(self, inner: ConnectorFactory) -> None:
        self.inner = inner

    async def create(self, service_url: str, audience: str | None = None):
        key = (service_url, audience)
        if key not in self.clients:
            self.clients[key] = await self.inner.create(service_url, audience)
        return self.clients[key]


def keep_clients(auth: BotFrameworkAuthentication) -> BotFrameworkAuthentication:
    """Every authenticated request's connector factory hands out the kept clients, and the
    user-token client CloudAdapter asks for every turn is kept per app id (as ours)."""
    authenticate = auth.authenticate_request
    token_client = auth.create_user_token_client
    token_clients: dict[str | None, object] = {}

    async def create_user_token_client(claims_identity):
        key = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
        if key not in token_clients:
            token_clients[key] = await token_client(claims_identity)
        return token_clients[key]

    auth.create_user_token_client = create_user_token_client  # type: ignore[method-assign]

    async def authenticate_request(activity, auth_header: str):
        result = await authenticate(activity, auth_header)
        result.connector_factory = KeptClients(result.connector_factory)
        return result

    auth.authenticate_request = authenticate_request  # type: ignore[method-assign]
    return auth


def build(app_id: str, password: str, tenant: str, metadata_url: str, *,
          fresh_clients: bool = False) -> web.Application:
    auth = authentication(app_id, password, tenant, metadata_url)
    adapter = CloudAdapter(auth if fresh_clients else keep_clients(auth))
    bot = FloorBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    async def ready(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", ready)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--password", default="bench-client-secret")
    parser.add_argument("--metadata-url", required=True)
    parser.add_argument("--fresh-clients", action="store_true",
                        help="new connector and user-token clients per turn, as the stock CloudAdapter")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    offline_entra()
    web.run_app(build(args.app_id, args.password, args.tenant, args.metadata_url,
                      fresh_clients=args.fresh_clients),
                host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
