"""What keraslite shows: the progress bar (below callbacks and training, which both use it)."""
