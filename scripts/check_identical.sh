#!/usr/bin/env bash
# Byte-for-byte check that a refactoring left the extraction output unchanged.
#
#   scripts/check_identical.sh record DIR   # write the outputs of this checkout into DIR
#   scripts/check_identical.sh check DIR    # write them again into a temporary directory and
#                                           # `cmp` every file with DIR (exit 1 on a difference)
#
# The outputs: for each gold set under $GOLD (default /work/shared/gold) the predictions and
# the scores of `frontwatch eval`; `frontwatch extract` of samples/articles (events, documents
# with flags, CSV); the samples ingested into a store and read back (`query`, `situation`,
# `export` as ACLED CSV, PLOVER JSON and GeoJSON); `frontwatch geoparse` of the trnews gold
# texts. Record DIR on the commit before the change, check after it. Uses $FRONTWATCH (default
# .venv/bin/frontwatch), $GOLD and $SETS (the gold sets, by name).
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
"$FRONTWATCH" extract samples/articles -o "$out/samples.csv" --format csv --no-progress
# the samples stored, then read back: query, situation and every text export
db="$out/samples.duckdb"
"$FRONTWATCH" ingest samples/articles --db "$db" --no-progress 2>/dev/null
"$FRONTWATCH" query --db "$db" --format json > "$out/query.json"
"$FRONTWATCH" query --db "$db" --series month --format csv > "$out/query.series.csv"
"$FRONTWATCH" situation --db "$db" --format json > "$out/situation.json"
"$FRONTWATCH" query --db "$db" --format csv > "$out/query.table.csv"
for fmt in acled-csv plover-json geojson; do
  "$FRONTWATCH" export --db "$db" --format "$fmt" -o "$out/export.$fmt" 2>/dev/null
done
# ACLED's last column is the time of the export
sed -i 's/,[0-9]*$//' "$out/export.acled-csv"
rm -rf "$db" "$db".*
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
