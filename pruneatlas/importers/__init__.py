"""Importers that turn curated collections into paper files."""
