"""Re-running pruning methods in PyTorch and writing verified atlas rows (DESIGN.md, "Re-running methods").

Importing this package is cheap; torch is imported by the modules that need it, so the base `pruneatlas`
command line never pays for it.
"""
