#!/bin/sh
# Prints the command line it was given, one argument per line.
for a in "$@"; do echo "arg: $a"; done
exit 0
