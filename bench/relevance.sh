#!/usr/bin/env bash
# Relevance of `tim` on the judged sets of ../shared/corpora (BEIR format): builds the release
# binary, indexes each set, runs `tim eval` on the original queries and on the queries stripped
# of diacritics (with and without accent restoration), and prints one markdown table.
#
#   bench/relevance.sh [CORPORA_DIR]     (default: ../shared/corpora next to the repository)
#
# Ranking weights were tuned on ViQuAD queries with even ids and on the vicov19qa train/val
# splits; the "odd ids" row is ViQuAD's held-out half. Peers (FTS5, stock tantivy) are not in
# this table yet.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpora=${1:-$root/../shared/corpora}
[ -d "$corpora" ] || { echo "relevance.sh: no corpora at $corpora" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin tim
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
tim="$target/release/tim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One row: set label, index, queries, qrels, extra eval flags.
row() {
  local label=$1 index=$2 queries=$3 qrels=$4 mode=$5
  shift 5
  local out
  out=$("$tim" eval --json --index "$index" --queries "$queries" --qrels "$qrels" "$@")
  python3 - "$label" "$mode" "$out" <<'PY'
import json, sys
label, mode, out = sys.argv[1:]
m = json.loads(out)
acc = m.get("restore_accuracy")
acc = f"{100 * acc:.1f}%" if acc is not None else ""
print(f"| {label} | {mode} | {m['queries']} | {m['ndcg_10']:.4f} | {m['mrr_10']:.4f} "
      f"| {m['recall_10']:.4f} | {m['recall_100']:.4f} | {acc} |")
PY
}

echo "| set | queries as | n | nDCG@10 | MRR@10 | Recall@10 | Recall@100 | syllables restored |"
echo "|---|---|---|---|---|---|---|---|"
for set in viquad2-dev-answerable vicov19qa cranfield cisi vaswani-npl; do
  dir=$corpora/$set/beir
  index=$work/$set
  "$tim" index --quiet --jsonl "$dir/corpus.jsonl.gz" --index "$index" >&2
  q=$dir/queries.jsonl.gz
  qrels=$dir/qrels/test.tsv.gz
  case $set in
    viquad2-dev-answerable)
      # The held-out half: queries whose numeric id suffix is odd.
      odd=$work/viquad-odd.tsv
      gzip -dc "$qrels" | awk -F'\t' 'NR == 1 || (match($1, /[0-9]+$/) && substr($1, RSTART) % 2 == 1)' >"$odd"
      for part in "all:$qrels" "odd ids:$odd"; do
        label="$set (${part%%:*})"
        file=${part#*:}
        row "$label" "$index" "$q" "$file" original
        row "$label" "$index" "$q" "$file" "stripped, restored" --strip-diacritics
        row "$label" "$index" "$q" "$file" "stripped, no restoration" --strip-diacritics --no-restore
      done
      ;;
    vicov19qa)
      row "$set (test)" "$index" "$q" "$qrels" original
      row "$set (test)" "$index" "$q" "$qrels" "stripped, restored" --strip-diacritics
      row "$set (test)" "$index" "$q" "$qrels" "stripped, no restoration" --strip-diacritics --no-restore
      ;;
    *)
      row "$set" "$index" "$q" "$qrels" original
      ;;
  esac
done
