#!/bin/sh
# A runner that reports a bad dataset line.
echo '##lora error /p/data/train.jsonl:3: not valid JSON (bad {token}); each line must be one JSON object.'
exit 1
