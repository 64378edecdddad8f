"""Renderers: the interactive map (and, later, reports and pictures)."""
