"""Mikler (2021), the 784-400-400-400-10 MLP on MNIST at 96 % sparsity (filled in with the methods it needs)."""

from __future__ import annotations

from reproduce.recipes import Recipe

RECIPES: list[Recipe] = []
