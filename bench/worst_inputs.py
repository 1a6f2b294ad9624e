"""The worst inputs we know against a real `aiga-bot serve` (issue 13, finding 1).

Starts the server (bench/serverproc.py: a subprocess, the tests' fake Slack Web API here) and,
for `--seconds`, sends signed Slack requests as fast as `--attackers` senders can: DMs of
40,000 digits and of one 40,000-letter word (over the input budget: refused before parsing),
the same families just under the budget (3,999 characters: parsed in full), kanji numerals,
%-signs, deeply nested JSON, and bodies over the size limit. Meanwhile a prober asks /healthz
every 50 ms. Prints /healthz latency idle and under attack (p50 / p99 / max), the status codes
the attack got, and the server's RSS (from /proc) before and after.

    .venv/bin/python bench/worst_inputs.py                    # SQLite, 20 s, 4 attackers
    .venv/bin/python bench/worst_inputs.py --seconds 60 --attackers 8 \
        --database-url postgresql://postgres@127.0.0.1:5432/test

Not a test: the figures depend on the machine; the README quotes one run.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from string import ascii_lowercase
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serverproc import (
    QuickSlack,
    ServerProcess,
    migrate,
    percentile,
    seed_companies,
    slack_env,
)
from tests.support.fake_slack import dm_event, event_envelope, sign


def _word(n: int) -> str:
    return (ascii_lowercase * (n // 26 + 1))[:n]


def _texts() -> dict[str, str]:
    under = 3_999
    return {
        "digits_40k": "1" * 40_000,
        "word_40k": _word(40_000),
        "digits_under_budget": "1" * under,
        "digits_then_letter": "1" * (under - 1) + "x",
        "word_under_budget": _word(under),
        "kanji_numerals": "一二三四五六七八九十百千" * (under // 12),
        "kanji_then_man": "五" * (under - 2) + "万円",
        "percent_signs": "1%" * (under // 2),
        "spaces_then_amount": "資本金" + " " * (under - 10) + "1億円",
        "many_unknown_words": " ".join(f"zq{n:04d}word" for n in range(under // 11)),
    }


_ids = itertools.count(1)


def _static_bodies() -> list[tuple[str, bytes, str]]:
    """Bodies the same every time (built once: the sender must not be the bottleneck)."""
    deep = "[" * 200_000 + "]" * 200_000
    return [
        ("deep_json", ('{"type":"event_callback","event":' + deep + "}").encode(),
         "application/json"),
        ("deep_form_payload", urlencode({"payload": deep[:400_000]}).encode(),
         "application/x-www-form-urlencoded"),
        ("huge_body", b'{"type":"event_callback","pad":"' + b"a" * 3_000_000 + b'"}',
         "application/json"),
    ]


STATIC = _static_bodies()
TEXTS = _texts()


def _bodies() -> list[tuple[str, bytes, str]]:
    """(kind, body, content type); every DM from its own user and with a fresh event id."""
    out = []
    for kind, text in TEXTS.items():
        user = f"UATK{next(_ids):06d}"
        envelope = event_envelope(dm_event(user, text), event_id=f"EvATK{next(_ids):09d}")
        out.append((kind, json.dumps(envelope).encode(), "application/json"))
    return out + STATIC


# /healthz pings the database through the thread pool the turns use; an unrouted path is
# answered (404) by the event loop alone, so its latency is how free the loop is.
PROBES = {"/healthz": 200, "/no-such-path": 404}


def _probe(port: int, stop: threading.Event, latencies: dict[str, list[float]]) -> None:
    """Each probe path every 50 ms on its own thread and connection, apart from the senders'
    event loop, so their work does not delay the measurement."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        for path, status in PROBES.items():
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == status, (path, response.status)
            latencies.setdefault(path, []).append(time.perf_counter() - started)
        stop.wait(0.05)
    connection.close()


async def _probing(port: int, stop: threading.Event, latencies: dict) -> None:
    await asyncio.to_thread(_probe, port, stop, latencies)


async def _attack(session: aiohttp.ClientSession, url: str, stop: asyncio.Event,
                  statuses: Counter, kinds: set[str] | None) -> None:
    while not stop.is_set():
        for kind, body, content_type in _bodies():
            if kinds and kind not in kinds:
                continue
            if stop.is_set():
                return
            try:
                async with session.post(url + "/slack/events", data=body, headers={
                        "Content-Type": content_type, **sign(body)}) as response:
                    await response.read()
                    statuses[f"{kind} {response.status}"] += 1
            except aiohttp.ClientError as exc:  # the server may close a refused huge body
                statuses[f"{kind} {type(exc).__name__}"] += 1


def _figures(latencies: list[float]) -> dict:
    ms = [round(x * 1000, 1) for x in latencies]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
            "max_ms": max(ms, default=float("nan"))}


async def run(args: argparse.Namespace) -> dict:
    kinds = set(args.kinds.split(",")) if args.kinds else None
    workdir = Path(tempfile.mkdtemp(prefix="worst-inputs-"))
    url = args.database_url or f"sqlite:///{workdir}/bench.db"
    migrate(url)
    seed_companies(url, 1)
    fake = await QuickSlack().start()
    server = ServerProcess(slack_env(url, fake.api_url, LOG_LEVEL="WARNING"), workdir / "serve")
    result: dict = {"database": url.split(":", 1)[0], "cpus": os.cpu_count(),
                    "seconds": args.seconds, "attackers": args.attackers}
    try:
        await server.start()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            idle: dict[str, list[float]] = {}
            probing = threading.Event()
            prober = asyncio.create_task(_probing(server.port, probing, idle))
            await asyncio.sleep(5)
            probing.set()
            await prober
            result["idle"] = {path: _figures(v) for path, v in idle.items()}
            result["rss_before_mib"] = round(server.rss_mib(), 1)

            under: dict[str, list[float]] = {}
            statuses: Counter[str] = Counter()
            stop, probing = asyncio.Event(), threading.Event()
            tasks = [asyncio.create_task(_probing(server.port, probing, under))]
            tasks += [asyncio.create_task(_attack(session, server.base_url, stop, statuses,
                                                       kinds))
                      for _ in range(args.attackers)]
            await asyncio.sleep(args.seconds)
            stop.set()
            probing.set()
            await asyncio.gather(*tasks)
            result["under_attack"] = {path: _figures(v) for path, v in under.items()}
            result["rss_peak_during_mib"] = round(server.rss_mib(), 1)
            result["attack_requests"] = sum(statuses.values())
            result["attack_statuses"] = dict(sorted(statuses.items()))
            await asyncio.sleep(args.settle)  # background turns finish
            result["rss_after_mib"] = round(server.rss_mib(), 1)
        result["server_alive"] = server.alive()
        result["exit_code"] = await server.stop()
        result["tracebacks_in_log"] = server.logs().count("Traceback")
    finally:
        if server.alive():
            server.kill()
        await fake.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--kinds", help="only these inputs (comma-separated names)")
    parser.add_argument("--settle", type=float, default=5, help="wait before the last RSS")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--out", type=Path, default=Path("var") / "bench" / "worst_inputs.json")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
