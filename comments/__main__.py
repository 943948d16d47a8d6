"""`python -m comments` is the `comments` command."""

from comments.cli import main

if __name__ == "__main__":  # not when a worker process imports this as its main module
    raise SystemExit(main())
