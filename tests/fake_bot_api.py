"""A local fake Telegram Bot API server (aiohttp) for whole-process tests.

It decodes what aiogram sends (multipart form data, JSON-valued fields such as `reply_markup`),
serves queued updates through long-polling `getUpdates`, records every request, and answers
with well-formed results."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import web

BOT_USER = {"id": 42, "is_bot": True, "first_name": "驻村助手", "username": "zhucun_test_bot"}


def _decode(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if value.lstrip("-").isdigit():
        return int(value)
    return value


class FakeBotAPI:
    def __init__(self, *, refuse_first: int = 0, retry_after: int = 1, per_second: float | None = None) -> None:
        """`refuse_first`: answer that many sends with 429; `per_second`: answer 429 to sends beyond
        that rate over any one-second window (Telegram's overall limit)."""
        self.refuse_first = refuse_first
        self.retry_after = retry_after
        self.per_second = per_second
        self._recent_sends: list[float] = []
        self.refused = 0
        self.requests: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()
        self._ids = itertools.count(5000)
        self._update_ids = itertools.count(1)
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def push_message(self, text: str, *, chat: dict[str, Any], sender: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {
            "update_id": update_id,
            "message": {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": sender, "text": text},
        }
        async with self._arrived:
            self._updates.append(update)
            self._arrived.notify_all()
        return update_id

    async def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for request in self.requests:
                if request["method"] == method:
                    return request
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no {method} within {timeout}s; saw {[r['method'] for r in self.requests]}")

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {key: _decode(value) for key, value in (await request.post()).items() if isinstance(value, str)}
        if method.startswith("send") and self._over_limit():
            self.refused += 1
            return web.json_response(
                {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {self.retry_after}",
                 "parameters": {"retry_after": self.retry_after}},
                status=429,
            )
        self.requests.append({"method": method, "params": params})
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        return web.json_response({"ok": True, "result": self._result(method, params)})

    def _over_limit(self) -> bool:
        if self.refuse_first > 0:
            self.refuse_first -= 1
            return True
        if self.per_second is None:
            return False
        now = time.monotonic()
        self._recent_sends = [t for t in self._recent_sends if now - t < 1.0]
        if len(self._recent_sends) >= self.per_second:
            return True
        self._recent_sends.append(now)
        return False

    def sent_texts(self) -> list[str]:
        return [r["params"].get("text", "") for r in self.requests if r["method"] == "sendMessage"]

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        wait = min(float(params.get("timeout", 0) or 0), 1.0)
        async with self._arrived:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait:
                try:
                    await asyncio.wait_for(self._arrived.wait(), wait)
                except TimeoutError:
                    pass
            return list(self._updates)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChatMember":
            return {"status": "member", "user": {"id": params["user_id"], "is_bot": False, "first_name": "x"}}
        if method.startswith("send"):
            chat_id = params["chat_id"]
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "g", "first_name": "u"}
            return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT_USER,
                    "text": params.get("text", "")}
        return True
