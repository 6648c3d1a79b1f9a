"""The pure core: errors, the record model, dates, vocabulary, name folding, clock, ids, settings,
scripts.

Nothing here imports any other part of havenwatch.
"""
