"""Earshot training: corpus, Collaborative Experts / MoEE model, export and evaluation."""
