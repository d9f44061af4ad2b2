#!/usr/bin/env bash
# Relevance of `tim` and its peers on the judged sets of ../shared/corpora (BEIR format):
# builds the release binaries, indexes each set, runs `tim eval` on the original queries and on
# the queries stripped of diacritics (with and without accent restoration), runs the same
# queries through SQLite FTS5 and two stock tantivy indexes (the `relevance` binary of
# timkiem-bench), and prints two markdown tables: nDCG@10 of every engine, then tim's other
# metrics.
#
#   bench/relevance.sh [CORPORA_DIR]     (default: ../shared/corpora next to the repository)
#
# Ranking weights were tuned on ViQuAD queries with even ids and on the vicov19qa train/val
# splits; the "odd ids" rows are ViQuAD's held-out half. The peers get no accent restoration:
# their "stripped" figure is the same in both stripped rows.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpora=${1:-$root/../shared/corpora}
[ -d "$corpora" ] || { echo "relevance.sh: no corpora at $corpora" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin tim
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p timkiem-bench --bin relevance
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
tim="$target/release/tim"
relevance="$target/release/relevance"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every measurement, one JSON object per line: set label, query mode, engine, metrics.
results=$work/results.jsonl

# Appends the fields `set`, `mode` and `engine` to each JSON line read from stdin.
tag() {
  python3 -c '
import json, sys
label, mode, engine = sys.argv[1:]
for line in sys.stdin:
    m = json.loads(line)
    m["set"], m["engine"] = label, m.get("engine", engine)
    m["mode"] = mode if mode else m["mode"]
    print(json.dumps(m))
' "$@" >>"$results"
}

# tim: set label, index, queries, qrels, mode label, extra eval flags.
tim_row() {
  local label=$1 index=$2 queries=$3 qrels=$4 mode=$5
  shift 5
  "$tim" eval --json --index "$index" --queries "$queries" --qrels "$qrels" "$@" |
    tag "$label" "$mode" tim
}

# The peers: set label, BEIR directory, qrels; modes `original` and `stripped`.
peer_rows() {
  "$relevance" "$2" --qrels "$3" | tag "$1" "" ""
}

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
      parts=("all:$qrels" "odd ids:$odd")
      ;;
    vicov19qa) parts=("test:$qrels") ;;
    *) parts=(":$qrels") ;;
  esac
  for part in "${parts[@]}"; do
    name=${part%%:*}
    label=$set${name:+ ($name)}
    file=${part#*:}
    tim_row "$label" "$index" "$q" "$file" original
    case $set in
      viquad2-dev-answerable | vicov19qa)
        tim_row "$label" "$index" "$q" "$file" "stripped, restored" --strip-diacritics
        tim_row "$label" "$index" "$q" "$file" "stripped, no restoration" --strip-diacritics --no-restore
        ;;
    esac
    peer_rows "$label" "$dir" "$file"
  done
  rm -rf "$index"
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
tim = [r for r in rows if r["engine"] == "tim"]
peers = ["fts5", "tantivy-default", "tantivy-ascii-folding"]

def peer(label, mode, engine):
    # Peers have no restoration: both stripped rows compare with the stripped queries.
    want = "original" if mode == "original" else "stripped"
    [m] = [r for r in rows if r["set"] == label and r["engine"] == engine and r["mode"] == want]
    return m

print("| set | queries as | n | tim | SQLite FTS5 | tantivy default | tantivy ASCII folding "
      "| tim − best peer |")
print("|---|---|---|---|---|---|---|---|")
for t in tim:
    others = [peer(t["set"], t["mode"], e) for e in peers]
    for o in others:
        if o["queries"] != t["queries"]:
            sys.exit(f"{t['set']} {t['mode']}: tim scored {t['queries']} queries, "
                     f"{o['engine']} {o['queries']}")
    best = max(o["ndcg_10"] for o in others)
    cells = [t["ndcg_10"]] + [o["ndcg_10"] for o in others]
    top = max(cells)
    shown = " | ".join(f"**{v:.4f}**" if v == top else f"{v:.4f}" for v in cells)
    print(f"| {t['set']} | {t['mode']} | {t['queries']} | {shown} | {t['ndcg_10'] - best:+.4f} |")

print()
print("| set | queries as | n | MRR@10 | Recall@10 | Recall@100 | syllables restored |")
print("|---|---|---|---|---|---|---|")
for t in tim:
    acc = t.get("restore_accuracy")
    acc = f"{100 * acc:.1f}%" if acc is not None else ""
    print(f"| {t['set']} | {t['mode']} | {t['queries']} | {t['mrr_10']:.4f} "
          f"| {t['recall_10']:.4f} | {t['recall_100']:.4f} | {acc} |")
PY
