#!/usr/bin/env bash
# Byte-for-byte check that a refactoring left the extraction output unchanged.
#
#   scripts/check_identical.sh record DIR   # write the outputs of this checkout into DIR
#   scripts/check_identical.sh check DIR    # write them again into a temporary directory and
#                                           # `cmp` every file with DIR (exit 1 on a difference)
#
# The outputs: for each gold set under $GOLD (default /work/shared/gold) the predictions and
# the scores of `frontwatch eval`; `frontwatch extract` of samples/articles (events, and
# documents with flags); `frontwatch geoparse` of the trnews gold texts. Record DIR on the
# commit before the change, check after it. Uses $FRONTWATCH (default .venv/bin/frontwatch).
set -euo pipefail

mode=${1:-}
dir=${2:-}
if [[ -z "$mode" || -z "$dir" || ( "$mode" != record && "$mode" != check ) ]]; then
  echo "usage: $0 record|check DIR" >&2
  exit 2
fi
FRONTWATCH=${FRONTWATCH:-.venv/bin/frontwatch}
GOLD=${GOLD:-/work/shared/gold}
SETS=${SETS:-seed plover-dev case2021-dev trnews-dev}

out=$dir
if [[ $mode == check ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

for g in $SETS; do
  gold="$GOLD/$g.gold.jsonl"
  [[ -f $gold ]] || { echo "missing gold set $gold" >&2; exit 2; }
  "$FRONTWATCH" eval "$gold" --predictions-out "$out/$g.pred.jsonl" --json --no-progress \
    > "$out/$g.scores.json"
done
"$FRONTWATCH" extract samples/articles -o "$out/samples.jsonl" --no-progress
"$FRONTWATCH" extract samples/articles -o "$out/samples.flags.jsonl" --with-flags --no-progress
# the trnews texts with their ids only (their `published` strings are not dates)
python3 -c 'import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(json.dumps({"id": d["doc_id"], "text": d["text"]}))' \
  < "$GOLD/trnews-dev.gold.jsonl" > "$out/trnews.texts.jsonl"
"$FRONTWATCH" geoparse "$out/trnews.texts.jsonl" -o "$out/trnews.geoparse.jsonl" --no-progress

if [[ $mode == record ]]; then
  ls -l "$out"
  exit 0
fi
status=0
for f in "$out"/*; do
  name=$(basename "$f")
  if cmp -s "$f" "$dir/$name"; then
    echo "same      $name"
  else
    echo "DIFFERENT $name"
    status=1
  fi
done
exit $status
