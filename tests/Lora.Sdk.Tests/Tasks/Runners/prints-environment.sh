#!/bin/sh
# Prints the runtime settings it was started with.
echo "env: DOTNET_TieredCompilation=${DOTNET_TieredCompilation-unset}"
exit 0
