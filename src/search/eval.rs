//! Evaluation of rankings against relevance judgements: nDCG, MRR and recall, and the BEIR
//! files they come in (`queries.jsonl`, `qrels/*.tsv`, optionally gzipped).
//!
//! The definitions follow `trec_eval`/`pytrec_eval` as BEIR reports them: a document is
//! relevant when its judged gain is at least 1; nDCG uses the gain itself (linear) with a
//! `log2(rank + 1)` discount, the ideal ranking built from all judgements of the query.
//!
//! Rankings are expected to be free of duplicates; if one is not, every repeat of a document
//! after its first occurrence is ignored, as if the ranking had been de-duplicated.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lines::{read_capped_line, CappedLine};

/// Relevance judgements: for each query id, the gain of each judged document id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qrels {
    judgements: HashMap<String, HashMap<String, u32>>,
}

impl Qrels {
    /// Records the gain of `doc_id` for `query_id`; a repeated pair keeps the larger gain.
    pub fn insert(&mut self, query_id: impl Into<String>, doc_id: impl Into<String>, gain: u32) {
        let gains = self.judgements.entry(query_id.into()).or_default();
        let entry = gains.entry(doc_id.into()).or_insert(gain);
        *entry = (*entry).max(gain);
    }

    /// The judged documents of a query and their gains (0 = judged not relevant).
    pub fn judgements(&self, query_id: &str) -> Option<&HashMap<String, u32>> {
        self.judgements.get(query_id)
    }

    /// The number of documents judged relevant (gain >= 1) for a query.
    pub fn relevant_count(&self, query_id: &str) -> usize {
        self.judgements(query_id).map_or(0, relevant_count)
    }

    /// The number of queries with at least one judgement.
    pub fn len(&self) -> usize {
        self.judgements.len()
    }

    /// Whether there are no judgements at all.
    pub fn is_empty(&self) -> bool {
        self.judgements.is_empty()
    }
}

/// Opens a file for reading lines, decompressing it on the fly if its name ends in `.gz`.
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let gzipped = path.extension().is_some_and(|ext| ext == "gz");
    Ok(if gzipped {
        // Multi-member: `cat a.gz b.gz` and some compressors produce several gzip members.
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// The longest line [`read_qrels`] and [`read_queries`] accept, in bytes: a longer one is an
/// error naming it, and is never held in memory whole.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Calls `f(line_number, line)` for every non-blank line of `path` (1-based numbers; a
/// byte-order mark and a trailing `\r` removed).
fn for_each_line(path: &Path, mut f: impl FnMut(usize, &str) -> Result<()>) -> Result<()> {
    let mut reader = open_maybe_gz(path)?;
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        let status = read_capped_line(&mut reader, MAX_LINE_BYTES, &mut buf)
            .map_err(|e| Error::io(path, e))?;
        number += 1;
        let invalid =
            |what: &str| Error::Invalid(format!("{} line {number}: {what}", path.display()));
        match status {
            None => return Ok(()),
            Some(CappedLine::TooLong) => {
                return Err(invalid(&format!(
                    "longer than {MAX_LINE_BYTES} bytes; not read"
                )))
            }
            Some(CappedLine::Complete) => {}
        }
        let line = std::str::from_utf8(&buf).map_err(|_| invalid("not valid UTF-8"))?;
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.trim().is_empty() {
            f(number, line)?;
        }
    }
}

/// Reads BEIR relevance judgements: TSV lines `query-id<TAB>corpus-id<TAB>score`, after an
/// optional header line starting with `query-id`. Blank lines are skipped; scores are integers,
/// negative ones counting as 0. A `.gz` file is decompressed transparently.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be read, [`Error::Invalid`] naming the file and line for a
/// line without three fields or with a score that is not an integer.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let mut qrels = Qrels::default();
    let mut first = true;
    for_each_line(path, |number, line| {
        let is_header = first && line.starts_with("query-id");
        first = false;
        if is_header {
            return Ok(());
        }
        let invalid = |message: String| {
            Error::Invalid(format!("{} line {number}: {message}", path.display()))
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [query_id, doc_id, score] = fields[..] else {
            return Err(invalid(format!(
                "expected 3 tab-separated fields (query-id, corpus-id, score), found {}",
                fields.len()
            )));
        };
        let score: i64 = score
            .trim()
            .parse()
            .map_err(|_| invalid(format!("score {score:?} is not an integer")))?;
        let gain = u32::try_from(score.max(0)).unwrap_or(u32::MAX);
        qrels.insert(query_id.trim(), doc_id.trim(), gain);
        Ok(())
    })?;
    Ok(qrels)
}

/// A judged query: its id and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    /// The query id, as used in the qrels.
    pub id: String,
    /// The query text, as a user would type it.
    pub text: String,
}

/// One line of a BEIR `queries.jsonl`.
#[derive(Deserialize)]
struct QueryLine {
    #[serde(rename = "_id")]
    id: IdValue,
    text: String,
}

/// Ids are strings in BEIR, but some conversions write them as numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdValue {
    String(String),
    Number(serde_json::Number),
}

/// Reads BEIR queries: JSON Lines objects with string `_id` and `text` (numeric ids are
/// accepted; other fields are ignored). Blank lines are skipped; a `.gz` file is decompressed
/// transparently.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be read, [`Error::Invalid`] naming the file and line for a
/// line that is not such an object.
pub fn read_queries(path: &Path) -> Result<Vec<EvalQuery>> {
    let mut queries = Vec::new();
    for_each_line(path, |number, line| {
        let parsed: QueryLine = serde_json::from_str(line)
            .map_err(|e| Error::Invalid(format!("{} line {number}: {e}", path.display())))?;
        let id = match parsed.id {
            IdValue::String(id) => id,
            IdValue::Number(id) => id.to_string(),
        };
        queries.push(EvalQuery {
            id,
            text: parsed.text,
        });
        Ok(())
    })?;
    Ok(queries)
}

/// Ranking quality, for one query or averaged over many.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// Normalised discounted cumulative gain of the first 10 results.
    pub ndcg_10: f64,
    /// Reciprocal rank of the first relevant result within the first 10 (0 if none).
    pub mrr_10: f64,
    /// Share of the relevant documents found in the first 10 results.
    pub recall_10: f64,
    /// Share of the relevant documents found in the first 100 results.
    pub recall_100: f64,
    /// How many queries these values are the mean of.
    pub queries: usize,
}

/// The first `k` distinct ids of a ranking with their gains (0 for unjudged documents).
fn top_gains<'a>(
    ranked: &'a [String],
    judged: &'a HashMap<String, u32>,
    k: usize,
) -> impl Iterator<Item = u32> + 'a {
    let mut seen = HashSet::new();
    ranked
        .iter()
        .filter(move |id| seen.insert(id.as_str()))
        .take(k)
        .map(|id| judged.get(id).copied().unwrap_or(0))
}

fn relevant_count(judged: &HashMap<String, u32>) -> usize {
    judged.values().filter(|&&gain| gain >= 1).count()
}

/// Discounted cumulative gain of gains in rank order: `sum(gain_i / log2(i + 1))`, i from 1.
fn dcg(gains: impl Iterator<Item = u32>) -> f64 {
    // Folded from +0.0: `sum` of no floats is -0.0, which an empty ranking printed.
    gains
        .enumerate()
        .map(|(i, gain)| f64::from(gain) / (i as f64 + 2.0).log2())
        .fold(0.0, |total, x| total + x)
}

/// nDCG@k: the DCG of the first `k` results over the DCG of the ideal ranking of the judged
/// documents; 0 if no document is relevant.
pub fn ndcg_at(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let mut ideal: Vec<u32> = judged.values().copied().filter(|&g| g >= 1).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal = dcg(ideal.into_iter().take(k));
    if ideal == 0.0 {
        return 0.0;
    }
    dcg(top_gains(ranked, judged, k)) / ideal
}

/// MRR@k: 1 / the rank of the first relevant result among the first `k`; 0 if there is none.
pub fn mrr_at(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    top_gains(ranked, judged, k)
        .position(|gain| gain >= 1)
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
}

/// Recall@k: the share of relevant documents among the first `k` results; 0 if no document
/// is relevant.
pub fn recall_at(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let relevant = relevant_count(judged);
    if relevant == 0 {
        return 0.0;
    }
    let found = top_gains(ranked, judged, k).filter(|&g| g >= 1).count();
    found as f64 / relevant as f64
}

/// Accumulates per-query metrics into means over the judged queries.
///
/// Add every evaluated query, with an empty ranking when nothing was found: a query left out
/// does not count against the system.
#[derive(Debug, Clone)]
pub struct Evaluator<'a> {
    qrels: &'a Qrels,
    sum: Metrics,
}

impl<'a> Evaluator<'a> {
    /// An evaluator against these judgements.
    pub fn new(qrels: &'a Qrels) -> Self {
        Evaluator {
            qrels,
            sum: Metrics::default(),
        }
    }

    /// Scores the ranking of one query and adds it to the means. Returns its metrics (with
    /// `queries == 1`), or `None` if the query has no relevant judgement: such a query cannot
    /// be scored and is left out of the means.
    pub fn add(&mut self, query_id: &str, ranked: &[String]) -> Option<Metrics> {
        let judged = self.qrels.judgements(query_id)?;
        if relevant_count(judged) == 0 {
            return None;
        }
        let metrics = Metrics {
            ndcg_10: ndcg_at(ranked, judged, 10),
            mrr_10: mrr_at(ranked, judged, 10),
            recall_10: recall_at(ranked, judged, 10),
            recall_100: recall_at(ranked, judged, 100),
            queries: 1,
        };
        self.sum.ndcg_10 += metrics.ndcg_10;
        self.sum.mrr_10 += metrics.mrr_10;
        self.sum.recall_10 += metrics.recall_10;
        self.sum.recall_100 += metrics.recall_100;
        self.sum.queries += 1;
        Some(metrics)
    }

    /// The means over the queries added that had a relevant judgement (all 0 if none had).
    pub fn finish(&self) -> Metrics {
        let n = self.sum.queries;
        if n == 0 {
            return Metrics::default();
        }
        let mean = |sum: f64| sum / n as f64;
        Metrics {
            ndcg_10: mean(self.sum.ndcg_10),
            mrr_10: mean(self.sum.mrr_10),
            recall_10: mean(self.sum.recall_10),
            recall_100: mean(self.sum.recall_100),
            queries: n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn judged(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|&(d, g)| (d.to_string(), g)).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_computed_metrics() {
        // Ranking d1 d2 d3 d4 has gains [3, 2, 0, 1]; d5 (gain 2) is relevant but not found,
        // d6 is judged not relevant, x is unjudged.
        //   DCG  = 3/log2(2) + 2/log2(3) + 0/log2(4) + 1/log2(5)
        //        = 3 + 1.261860 + 0 + 0.430677                      = 4.692536
        //   IDCG = gains [3, 2, 2, 1]: 3 + 2/log2(3) + 2/log2(4) + 1/log2(5)
        //        = 3 + 1.261860 + 1 + 0.430677                      = 5.692536
        //   nDCG@10 = 4.692536 / 5.692536                           = 0.824331
        //   nDCG@2: DCG = 3 + 1.261860, IDCG = 3 + 1.261860         = 1
        //   nDCG@1 of `x d1`: 0 / 3                                 = 0
        //   Recall@10 = 3 relevant found of 4 = 0.75; Recall@2 = 2/4 = 0.5
        let j = judged(&[
            ("d1", 3),
            ("d2", 2),
            ("d3", 0),
            ("d4", 1),
            ("d5", 2),
            ("d6", 0),
        ]);
        let run = ids(&["d1", "d2", "d3", "d4"]);
        let ndcg = (3.0 + 2.0 / 3f64.log2() + 1.0 / 5f64.log2())
            / (3.0 + 2.0 / 3f64.log2() + 1.0 + 1.0 / 5f64.log2());
        assert!((ndcg - 0.824_331).abs() < 1e-6, "{ndcg}"); // the hand computation itself
        let cases: Vec<(&str, f64, f64)> = vec![
            ("ndcg@10", ndcg_at(&run, &j, 10), ndcg),
            ("ndcg@2", ndcg_at(&run, &j, 2), 1.0),
            ("ndcg@1 x first", ndcg_at(&ids(&["x", "d1"]), &j, 1), 0.0),
            ("ndcg@0", ndcg_at(&run, &j, 0), 0.0),
            ("recall@10", recall_at(&run, &j, 10), 0.75),
            ("recall@2", recall_at(&run, &j, 2), 0.5),
            ("mrr first", mrr_at(&run, &j, 10), 1.0),
            // Unjudged, then judged-not-relevant, then relevant at rank 3.
            (
                "mrr third",
                mrr_at(&ids(&["x", "d6", "d4"]), &j, 10),
                1.0 / 3.0,
            ),
            ("mrr beyond k", mrr_at(&ids(&["x", "d6", "d4"]), &j, 2), 0.0),
            ("empty run", ndcg_at(&[], &j, 10), 0.0),
            // A repeat counts once and takes no rank: `d1 d1 d4` scores as `d1 d4`.
            (
                "dup ndcg",
                ndcg_at(&ids(&["d1", "d1", "d4"]), &j, 10),
                ndcg_at(&ids(&["d1", "d4"]), &j, 10),
            ),
            (
                "dup recall",
                recall_at(&ids(&["d2", "d2", "d2"]), &j, 10),
                0.25,
            ),
            ("dup mrr", mrr_at(&ids(&["d3", "d3", "d4"]), &j, 10), 0.5),
            // Nothing relevant: every metric is 0, not NaN.
            ("none ndcg", ndcg_at(&run, &judged(&[("d1", 0)]), 10), 0.0),
            ("none recall", recall_at(&run, &judged(&[]), 10), 0.0),
        ];
        for (name, got, want) in cases {
            assert!(close(got, want), "{name}: got {got}, want {want}");
        }
        // An empty ranking is +0, not -0 (printed as `-0.0000` per query).
        assert!(ndcg_at(&[], &j, 10).is_sign_positive());
        assert!(ndcg_at(&ids(&["x"]), &j, 10).is_sign_positive());
    }

    #[test]
    fn evaluator_averages_over_judged_queries() {
        let mut qrels = Qrels::default();
        qrels.insert("q1", "a", 1);
        qrels.insert("q2", "b", 1);
        qrels.insert("q2", "c", 1);
        qrels.insert("q3", "z", 0); // judged, but nothing relevant: left out
        let mut eval = Evaluator::new(&qrels);

        let q1 = eval.add("q1", &ids(&["a"])).unwrap();
        assert!(close(q1.ndcg_10, 1.0) && close(q1.mrr_10, 1.0) && q1.queries == 1);
        // q2: b at rank 2 only. MRR 1/2, recall 1/2,
        // nDCG = (1/log2(3)) / (1 + 1/log2(3)) = 0.630930 / 1.630930 = 0.386853.
        let q2 = eval.add("q2", &ids(&["x", "b"])).unwrap();
        assert!(close(q2.mrr_10, 0.5) && close(q2.recall_10, 0.5));
        let q2_ndcg = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!(
            close(q2.ndcg_10, q2_ndcg) && (q2_ndcg - 0.386_853).abs() < 1e-6,
            "{q2:?}"
        );
        assert_eq!(eval.add("q3", &ids(&["z"])), None);
        assert_eq!(eval.add("unknown", &ids(&["a"])), None);

        let m = eval.finish();
        assert_eq!(m.queries, 2);
        assert!(close(m.ndcg_10, (1.0 + q2_ndcg) / 2.0));
        assert!(close(m.mrr_10, 0.75));
        assert!(close(m.recall_10, 0.75));
        assert!(close(m.recall_100, 0.75));
        assert_eq!(Evaluator::new(&qrels).finish(), Metrics::default());
    }

    fn write(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut file = File::create(&path).unwrap();
        if name.ends_with(".gz") {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            gz.write_all(content.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            file.write_all(content.as_bytes()).unwrap();
        }
        path
    }

    const QRELS: &str = "query-id\tcorpus-id\tscore\r\n1\tdoc1\t2\r\n\n1\tdoc2\t0\n2\tdoc9\t1\n";

    #[test]
    fn reads_qrels_plain_and_gzipped() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["test.tsv", "test.tsv.gz"] {
            let qrels = read_qrels(&write(dir.path(), name, QRELS)).unwrap();
            assert_eq!(qrels.len(), 2, "{name}");
            assert_eq!(
                qrels.judgements("1"),
                Some(&judged(&[("doc1", 2), ("doc2", 0)]))
            );
            assert_eq!(qrels.relevant_count("1"), 1);
            assert_eq!(qrels.relevant_count("2"), 1);
            assert_eq!(qrels.relevant_count("3"), 0);
        }
        // No header, a negative score, a repeated pair keeping the larger gain.
        let path = write(
            dir.path(),
            "bare.tsv",
            "q\td\t-1\nq\te\t1\nq\te\t3\nq\te\t2\n",
        );
        let qrels = read_qrels(&path).unwrap();
        assert_eq!(qrels.judgements("q"), Some(&judged(&[("d", 0), ("e", 3)])));
    }

    #[test]
    fn malformed_qrels_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "two.tsv",
                "query-id\tcorpus-id\tscore\n1\tdoc1\t1\n\n1 doc2 1\n",
                "line 4",
            ),
            ("float.tsv", "1\tdoc1\t1.5\n", "line 1"),
            ("four.tsv.gz", "1\td\t1\n1\td\t1\t0\n", "line 2"),
        ];
        for (name, content, line) in cases {
            let path = write(dir.path(), name, content);
            match read_qrels(&path) {
                Err(Error::Invalid(message)) => {
                    assert!(
                        message.contains(name) && message.contains(line),
                        "{message}"
                    );
                }
                other => panic!("{name}: expected Invalid, got {other:?}"),
            }
        }
        assert!(matches!(
            read_qrels(&dir.path().join("missing.tsv")),
            Err(Error::Io { .. })
        ));
        // A file named .gz that is not gzip is an I/O error, not a panic.
        let path = write(dir.path(), "fake.tsv", "not gzip");
        let renamed = dir.path().join("fake.tsv.gz");
        std::fs::rename(path, &renamed).unwrap();
        assert!(matches!(read_qrels(&renamed), Err(Error::Io { .. })));
    }

    #[test]
    fn reads_queries_plain_and_gzipped() {
        let content = "\u{feff}{\"_id\": \"q1\", \"text\": \"phở Hà Nội\", \"metadata\": {}}\n\n\
                       {\"text\": \"COVID -19\", \"_id\": 42}\r\n";
        let dir = tempfile::tempdir().unwrap();
        for name in ["queries.jsonl", "queries.jsonl.gz"] {
            let queries = read_queries(&write(dir.path(), name, content)).unwrap();
            let expected = vec![
                EvalQuery {
                    id: "q1".into(),
                    text: "phở Hà Nội".into(),
                },
                EvalQuery {
                    id: "42".into(),
                    text: "COVID -19".into(),
                },
            ];
            assert_eq!(queries, expected, "{name}");
        }
        let path = write(
            dir.path(),
            "bad.jsonl",
            "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"2\"}\n",
        );
        match read_queries(&path) {
            Err(Error::Invalid(message)) => assert!(message.contains("line 2"), "{message}"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
}
