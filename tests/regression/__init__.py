"""Regression reference of the demo's outputs: see :mod:`regression.demo`."""
