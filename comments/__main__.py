"""`python -m comments` is the `comments` command."""

from comments.cli import main

raise SystemExit(main())
