//! Spreadsheet exports (RFC 4180 CSV, UTF-8): the incident list and the
//! victims. Columns are documented in docs/DOMAIN.md ("CSV exports") and
//! stable: new ones are only ever added at the end. Every figure comes with
//! the entries that give it, as everywhere else.

use super::CliError;
use std::io::Write;
use temoin::projection::incident::{Figure, IncidentSummary, VictimView};
use temoin::projection::SourceRef;

/// The byte-order mark Excel needs to read UTF-8 (`--excel`).
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Columns of `incident list --csv`.
pub const INCIDENT_COLUMNS: [&str; 35] = [
    "incident_id",
    "title",
    "type",
    "date_start",
    "date_end",
    "date_precision",
    "place",
    "commune",
    "cercle",
    "region",
    "country",
    "dead_min",
    "dead_max",
    "dead_conflict",
    "dead_entries",
    "injured_min",
    "injured_max",
    "injured_conflict",
    "injured_entries",
    "missing_min",
    "missing_max",
    "women_dead_min",
    "women_dead_max",
    "children_dead_min",
    "children_dead_max",
    "independent_sources",
    "testimonies",
    "retracted",
    "victims",
    "record_entry",
    "place_precision",
    "perpetrators",
    "perpetrator_entries",
    "means",
    "data_conflicts",
];

/// Columns of `victims --csv`.
pub const VICTIM_COLUMNS: [&str; 14] = [
    "incident_id",
    "name",
    "other_spellings",
    "sex",
    "age_min",
    "age_max",
    "status",
    "conflict",
    "relation",
    "mentions",
    "entries",
    "statements",
    "age_group",
    "acts",
];

/// A CSV writer on standard output, with the byte-order mark first when
/// `excel`.
pub fn writer(excel: bool) -> Result<csv::Writer<std::io::StdoutLock<'static>>, CliError> {
    let mut out = std::io::stdout().lock();
    if excel {
        out.write_all(BOM).map_err(print_error)?;
    }
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

fn print_error(e: impl std::fmt::Display) -> CliError {
    CliError::failed(format!("cannot print: {e}"))
}

pub fn row<W: Write>(w: &mut csv::Writer<W>, fields: &[String]) -> Result<(), CliError> {
    w.write_record(fields).map_err(print_error)
}

pub fn finish<W: Write>(mut w: csv::Writer<W>) -> Result<(), CliError> {
    w.flush().map_err(print_error)
}

/// An enum's name as its JSON has it (`unknown_day`, `female`).
fn name_of(v: &impl serde::Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The seqs of the entries that give a fact, ascending, space-separated.
fn entries<'a>(sources: impl Iterator<Item = &'a SourceRef>) -> String {
    let mut seqs: Vec<u64> = sources.map(|s| s.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    seqs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn min_max(f: Option<&Figure>) -> [String; 2] {
    match f {
        Some(f) => [f.min.to_string(), f.max.to_string()],
        None => [String::new(), String::new()],
    }
}

/// One incident as a row of `INCIDENT_COLUMNS`.
pub fn incident_row(s: &IncidentSummary) -> Vec<String> {
    let (title, ty, start, end, precision) = match &s.incident {
        Some(i) => (
            i.title.clone(),
            i.incident_type.clone(),
            i.when.start.clone(),
            i.when.end.clone().unwrap_or_default(),
            name_of(&i.when.precision),
        ),
        None => Default::default(),
    };
    let place = s.incident.as_ref().map(|i| &i.place);
    let opt = |v: Option<&Option<String>>| v.and_then(|o| o.clone()).unwrap_or_default();
    let f = &s.figures;
    let [dead_min, dead_max] = min_max(f.dead.as_ref());
    let [injured_min, injured_max] = min_max(f.injured.as_ref());
    let [missing_min, missing_max] = min_max(f.missing.as_ref());
    let [women_min, women_max] = min_max(f.women_dead.as_ref());
    let [children_min, children_max] = min_max(f.children_dead.as_ref());
    let conflict = |f: Option<&Figure>| f.map_or(String::new(), |f| f.conflict.to_string());
    let given_by = |f: Option<&Figure>| {
        f.map_or(String::new(), |f| {
            entries(f.per_source.iter().map(|p| &p.source))
        })
    };
    vec![
        s.id.clone(),
        title,
        ty,
        start,
        end,
        precision,
        place.map(|p| p.name.clone()).unwrap_or_default(),
        opt(place.map(|p| &p.commune)),
        opt(place.map(|p| &p.cercle)),
        opt(place.map(|p| &p.region)),
        place.map(|p| p.country.clone()).unwrap_or_default(),
        dead_min,
        dead_max,
        conflict(f.dead.as_ref()),
        given_by(f.dead.as_ref()),
        injured_min,
        injured_max,
        conflict(f.injured.as_ref()),
        given_by(f.injured.as_ref()),
        missing_min,
        missing_max,
        women_min,
        women_max,
        children_min,
        children_max,
        f.dead
            .as_ref()
            .map_or(String::new(), |d| d.sources.to_string()),
        s.testimonies.to_string(),
        s.retracted.to_string(),
        s.victims.to_string(),
        s.record
            .as_ref()
            .map_or(String::new(), |r| r.seq.to_string()),
        place
            .and_then(|p| p.precision.as_ref())
            .map(name_of)
            .unwrap_or_default(),
        s.perpetrators
            .iter()
            .map(|p| {
                let attributions: Vec<String> = p.attributions.iter().map(name_of).collect();
                let kinds: Vec<String> = p.kinds.iter().map(name_of).collect();
                format!(
                    "{} ({}; {}){}",
                    p.name,
                    attributions.join("/"),
                    kinds.join("/"),
                    if p.conflict { " CONFLICT" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        entries(
            s.perpetrators
                .iter()
                .flat_map(|p| p.per_source.iter().map(|x| &x.from.source)),
        ),
        s.means
            .iter()
            .map(|m| {
                if m.models.is_empty() {
                    name_of(&m.kind)
                } else {
                    format!("{} ({})", name_of(&m.kind), m.models.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        s.data_conflicts.len().to_string(),
    ]
}

/// One victim of incident `incident` as a row of `VICTIM_COLUMNS`.
pub fn victim_row(incident: &str, v: &VictimView) -> Vec<String> {
    let others: Vec<&str> = v
        .spellings
        .iter()
        .filter(|s| **s != v.name)
        .map(String::as_str)
        .collect();
    let relations: Vec<&str> = {
        let mut r: Vec<&str> = v
            .mentions
            .iter()
            .filter_map(|m| m.victim.relation.as_deref())
            .collect();
        r.dedup();
        r
    };
    let mut statements: Vec<String> = v
        .mentions
        .iter()
        .map(|m| m.source.statement.to_hex())
        .collect();
    statements.sort();
    statements.dedup();
    vec![
        incident.to_string(),
        v.name.clone(),
        others.join("; "),
        v.sex.as_ref().map(name_of).unwrap_or_default(),
        v.age.map_or(String::new(), |a| a.min().to_string()),
        v.age.map_or(String::new(), |a| a.max().to_string()),
        v.status.as_ref().map(name_of).unwrap_or_default(),
        v.conflict.to_string(),
        relations.join("; "),
        v.mentions.len().to_string(),
        entries(v.mentions.iter().map(|m| &m.source)),
        statements.join(" "),
        v.age_group.as_ref().map(name_of).unwrap_or_default(),
        v.acts.iter().map(name_of).collect::<Vec<_>>().join(" "),
    ]
}
