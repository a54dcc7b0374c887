"""Kennisbank Onderwijs · Zorg · Jeugd."""
