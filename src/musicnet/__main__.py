"""``python -m musicnet``: the same as the ``musicnet`` command."""

from .cli import main

main()
