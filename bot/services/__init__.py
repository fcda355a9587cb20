"""Business logic, free of aiogram: plain values in, plain values out."""
