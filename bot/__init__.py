"""驻村助手: a Telegram group bot for village work teams."""
