"""Moving in and out: reading other systems' exports, and writing them as our comments.

Each source format has a reader (`disqus`, `wordpress`, …) that turns its file into a
stream of plain records (`records`), trusting nothing in it; `writer` stages them,
rebuilds each thread's tree, and commits one thread at a time, whole or not at all.
"""
