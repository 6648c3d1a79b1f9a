"""`python -m havenwatch` runs the command line."""

from havenwatch.cli import main

main()
