"""``python -m hrproductivity``: the same as the ``hrproductivity`` command."""

from hrproductivity.cli import main

if __name__ == "__main__":
    main()
