"""Test helpers: apps, a live server, a real SMTP server, users and search fixtures."""
