"""``python -m pgdrift``: the same as the ``pgdrift`` command."""

from pgdrift.cli import main

if __name__ == "__main__":
    main()
