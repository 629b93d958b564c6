"""``python -m rewriter`` runs the ``dfopt`` command line."""

from rewriter.cli import main

if __name__ == "__main__":
    main()
