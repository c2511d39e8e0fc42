"""Deterministic generator of realistic sample data shaped like UCI "Online Retail"."""

from pipeline.sample.generate import generate_sample, write_sample

__all__ = ["generate_sample", "write_sample"]
