from __future__ import annotations


class InvalidInput(ValueError):
    """A user's input the bot refuses; `code` selects the Chinese reply in `bot.texts`."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details
