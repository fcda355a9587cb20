from aiogram.fsm.state import State, StatesGroup


class SetLocation(StatesGroup):
    waiting = State()
