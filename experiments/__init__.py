"""Experiments: running the model into results folders, plots, and the ``resilience`` command line."""
