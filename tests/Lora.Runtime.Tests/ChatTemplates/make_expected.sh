#!/usr/bin/env bash
# Regenerates the expected renderings of the chat template corpus with the reference renderer
# (../shared/chat-templates/render.py: transformers' Jinja environment on Python's Jinja2).
# For each Corpus/<template>/, each conversation of conversations.json and each add_generation_prompt value it
# lists, writes Corpus/<template>/expected/<conversation>.<gen|nogen>.txt (the rendering, byte for byte) or
# .error.txt (render.py's stderr when the template raises: exit code 3). The date is fixed (--date 2024-07-26)
# so strftime_now is reproducible. Run from anywhere; needs python3 with jinja2.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${CHAT_TEMPLATES_SHARED:-$here/../../../../shared/chat-templates}"
render="$shared/render.py"
corpus="$here/Corpus"
date="2024-07-26"

# The conversations travel with the tests (CI has no ../shared): refresh the copy.
cp "$shared/conversations.json" "$corpus/conversations.json"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One messages file per conversation, and the list "id flag" of cases to render.
python3 - "$corpus/conversations.json" "$work" <<'PY'
import json, os, sys
conversations = json.load(open(sys.argv[1], encoding="utf-8"))
with open(os.path.join(sys.argv[2], "cases"), "w") as cases:
    for c in conversations:
        with open(os.path.join(sys.argv[2], c["id"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(c["messages"], f, ensure_ascii=False)
        for flag in c["add_generation_prompt"]:
            cases.write(f"{c['id']} {'gen' if flag else 'nogen'}\n")
PY

for template in "$corpus"/*/; do
    template="${template%/}"
    rm -rf "$template/expected"
    mkdir -p "$template/expected"
    while read -r id flag; do
        args=(--model "$template" --messages "$work/$id.json" --date "$date")
        [ "$flag" = gen ] && args+=(--add-generation-prompt)
        out="$template/expected/$id.$flag"
        set +e
        python3 "$render" "${args[@]}" > "$out.txt" 2> "$work/stderr"
        rc=$?
        set -e
        if [ $rc -eq 3 ]; then
            rm "$out.txt"
            cp "$work/stderr" "$out.error.txt"
        elif [ $rc -ne 0 ]; then
            echo "render.py failed ($rc) for $(basename "$template") $id $flag:" >&2
            cat "$work/stderr" >&2
            exit 1
        fi
    done < "$work/cases"
    echo "$(basename "$template"): $(ls "$template/expected" | wc -l) cases ($(ls "$template/expected" | grep -c '\.error\.txt$' || true) errors)"
done
