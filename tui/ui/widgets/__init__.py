"""Widgets that render what the screens give them; they never call the service."""
