from aiogram.fsm.state import State, StatesGroup


class SetLocation(StatesGroup):
    waiting = State()


class VisitDialog(StatesGroup):
    """`走访` alone: pick the household, then send the note. Also holds a one-shot visit whose
    household name was unknown or ambiguous, until the member picks one with a button."""

    household = State()
    note = State()
    pick = State()
