#!/bin/sh
# A runner that dies without a protocol error.
echo 'Unhandled exception. System.AccessViolationException: boom' >&2
exit 134
