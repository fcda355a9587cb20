"""Thin aiogram routers: parse the update, call one service, render the reply."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    admin,
    ask,
    checkin,
    common,
    errors,
    fallback,
    lead,
    leave,
    quiz,
    reminders,
    roster,
    visits,
)


def build_routers() -> list[Router]:
    """Fresh routers for one dispatcher. Order matters: the fallback (refusals, unknown commands) is last."""
    modules = (errors, common, roster, checkin, visits, leave, quiz, reminders, lead, admin, ask, fallback)
    return [module.build_router() for module in modules]
