//! The JSON of the content views, as `temoin … --json` prints it and
//! `temoin serve` answers it (`/v1/…`): one shaping for both, so that the
//! command line and the server cannot drift apart.
//!
//! Times are RFC 3339 strings in UTC ([`rfc3339`]); entry positions that
//! the library's types name `*_at` become `*_seq` ([`cli_json`]).

use crate::access::{AccessRecord, TokenRecord};
use crate::projection::incident::{IncidentSummary, IncidentView, VictimView};
use crate::projection::{ArchiveViews, ProjectionError};
use std::io::Write;

/// A time (unix ms) as the JSON outputs write it: RFC 3339, UTC, `Z`, with
/// milliseconds only when it has some (`2025-11-14T03:12:09Z`,
/// `2025-11-14T03:12:09.250Z`), so that nothing the archive recorded is lost.
pub fn rfc3339(ms: i64) -> String {
    let whole = crate::time::format_ms(ms);
    match ms.rem_euclid(1000) {
        0 => whole,
        frac => format!("{}.{frac:03}Z", whole.trim_end_matches('Z')),
    }
}

/// Every `--json` output goes through here (README, "JSON output"): a time
/// is an RFC 3339 string in UTC (`2025-11-14T03:12:09Z`, [`rfc3339`]); an
/// entry's position is a `seq` or a `*_seq`; a calendar day `YYYY-MM-DD`;
/// a duration a number with its unit in its name (`open_ms`). The views
/// the library serialises keep unix ms and seqs under `*_at` names, as the
/// formats of FORMAT.md (bundles) fix them; this is where the JSON outputs
/// say them their one way.
pub fn cli_json(v: &mut serde_json::Value) {
    use serde_json::Value;
    // Entry positions that the library's types name `*_at`.
    const SEQS: [(&str, &str); 4] = [
        ("revoked_at", "revoked_seq"),
        ("enrolled_at", "enrolled_seq"),
        ("opened_at", "opened_seq"),
        ("as_of", "as_of_seq"),
    ];
    match v {
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                let Some(x) = m.get_mut(&k) else { continue };
                cli_json(x);
                if !x.is_i64() && !x.is_u64() {
                    continue;
                }
                if let Some((_, seq)) = SEQS.iter().find(|(from, _)| *from == k) {
                    if let Some(x) = m.remove(&k) {
                        m.insert(seq.to_string(), x);
                    }
                } else if k.ends_with("_at") || k.ends_with("_since") {
                    if let Some(ms) = x.as_i64() {
                        *x = Value::String(rfc3339(ms));
                    }
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(cli_json),
        _ => {}
    }
}

/// A value as `--json` prints it (pretty, no final newline).
pub fn to_text<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(value)?;
    cli_json(&mut value);
    serde_json::to_string_pretty(&value)
}

/// Why [`write_incidents`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("cannot write JSON: {0}")]
    Io(String),
}

/// `incident list --json`: the same JSON as [`to_text`] of
/// `{"as_of": …, "incidents": […]}` (keys sorted, two-space indents, a
/// final newline), written one incident at a time (a large archive's
/// summaries do not all fit in memory at once).
pub fn write_incidents(
    p: &ArchiveViews<'_>,
    upto: u64,
    out: &mut impl Write,
) -> Result<(), WriteError> {
    fn io(e: impl std::fmt::Display) -> WriteError {
        WriteError::Io(e.to_string())
    }
    write!(
        out,
        "{{\n  \"as_of_seq\": {},\n  \"incidents\": ",
        upto as i128 - 1
    )
    .map_err(io)?;
    let mut printed = 0usize;
    p.for_each_summary(upto, |s| {
        let text = to_text(&s).map_err(io)?;
        out.write_all(if printed == 0 { b"[\n" } else { b",\n" })
            .map_err(io)?;
        for (i, line) in text.lines().enumerate() {
            write!(out, "{}    {line}", if i == 0 { "" } else { "\n" }).map_err(io)?;
        }
        printed += 1;
        Ok::<(), WriteError>(())
    })?;
    writeln!(out, "{}\n}}", if printed == 0 { "[]" } else { "\n  ]" }).map_err(io)?;
    Ok(())
}

/// `token list --json`: never the tokens' hashes.
pub fn tokens(list: &[TokenRecord]) -> serde_json::Value {
    list.iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "name": t.name,
                "role": t.role,
                "created_at": crate::time::format_ms(t.created_at),
                "revoked_at": t.revoked_at.map(crate::time::format_ms),
            })
        })
        .collect()
}

/// `access-log --json`.
pub fn access_log(log: &[(AccessRecord, String)]) -> serde_json::Value {
    log.iter()
        .map(|(r, _)| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["at"] = serde_json::Value::String(crate::time::format_ms(r.at));
            v
        })
        .collect()
}

/// Each incident still standing (not merged into another) and its view.
pub fn each_view<E: From<ProjectionError>>(
    p: &ArchiveViews<'_>,
    upto: u64,
    mut each: impl FnMut(IncidentSummary, IncidentView) -> Result<(), E>,
) -> Result<(), E> {
    p.for_each_summary(upto, |s| {
        if s.merged_into.is_some() {
            return Ok(());
        }
        let view = p.incident(&s.id, upto)?;
        each(s, view)
    })
}

/// Every named victim of every incident, by incident (`temoin victims`).
pub fn victim_rows(
    p: &ArchiveViews<'_>,
    upto: u64,
) -> Result<Vec<(String, VictimView)>, ProjectionError> {
    let mut rows = Vec::new();
    each_view(p, upto, |s, view| {
        rows.extend(view.victims.into_iter().map(|v| (s.id.clone(), v)));
        Ok::<(), ProjectionError>(())
    })?;
    Ok(rows)
}

#[derive(serde::Serialize)]
struct VictimRow<'a> {
    incident: &'a str,
    #[serde(flatten)]
    victim: &'a VictimView,
}

/// `victims --json` (before [`cli_json`]): `{"as_of": …, "victims": […]}`.
pub fn victims(rows: &[(String, VictimView)], upto: u64) -> serde_json::Value {
    let out: Vec<VictimRow<'_>> = rows
        .iter()
        .map(|(incident, victim)| VictimRow { incident, victim })
        .collect();
    serde_json::json!({ "as_of": upto as i128 - 1, "victims": out })
}

/// One match of `temoin search`.
#[derive(serde::Serialize, Debug, Clone)]
pub struct Hit {
    /// `incident`, `place`, `victim` or `perpetrator`.
    pub kind: &'static str,
    pub incident: String,
    /// The field that matched: `id`, `title`, `place`, `commune`, `cercle`,
    /// `region`, `name`.
    pub field: &'static str,
    pub text: String,
    /// The entries the matching fact comes from.
    pub entries: Vec<u64>,
}

/// `temoin search`: what matches `q`, a search key
/// ([`crate::projection::matching::search_key`] of the text looked for).
pub fn search(p: &ArchiveViews<'_>, upto: u64, q: &str) -> Result<Vec<Hit>, ProjectionError> {
    use crate::projection::matching::search_key;
    let hit = |t: &str| search_key(t).contains(q);
    let mut hits: Vec<Hit> = Vec::new();
    each_view(p, upto, |s, view| {
        let record: Vec<u64> = s.record.iter().map(|r| r.seq).collect();
        let mut push = |kind, field, text: &str, entries: Vec<u64>| {
            if hit(text) {
                hits.push(Hit {
                    kind,
                    incident: s.id.clone(),
                    field,
                    text: text.to_string(),
                    entries,
                });
            }
        };
        push("incident", "id", &s.id, record.clone());
        if let Some(i) = &s.incident {
            push("incident", "title", &i.title, record.clone());
            push("place", "place", &i.place.name, record.clone());
            for (field, v) in [
                ("commune", &i.place.commune),
                ("cercle", &i.place.cercle),
                ("region", &i.place.region),
            ] {
                if let Some(v) = v {
                    push("place", field, v, record.clone());
                }
            }
        }
        for v in &view.victims {
            if let Some(name) = v.spellings.iter().find(|n| hit(n)) {
                let mut seqs: Vec<u64> = v.mentions.iter().map(|m| m.source.seq).collect();
                seqs.sort_unstable();
                seqs.dedup();
                push("victim", "name", name, seqs);
            }
        }
        for p in &view.perpetrators {
            if let Some(name) = p.spellings.iter().find(|n| hit(n)) {
                let mut seqs: Vec<u64> = p.per_source.iter().map(|s| s.from.source.seq).collect();
                seqs.sort_unstable();
                seqs.dedup();
                push("perpetrator", "name", name, seqs);
            }
        }
        Ok::<(), ProjectionError>(())
    })?;
    Ok(hits)
}
