#!/bin/sh
# A runner that reports a bad dataset line with its place: file, line, column and the code to report it under.
echo '##lora error {"text":"/p/data/train.jsonl:30: not valid JSON (bad {token}); each line must be one JSON object.","code":"LORA1050","file":"/p/data/train.jsonl","line":30,"column":12}'
exit 1
