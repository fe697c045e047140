//! Chain-of-custody reports of evidence bundles, for a court: HTML (with a
//! print stylesheet) and Markdown, both UTF-8.
//!
//! A report is made from a [`Verdict`]: the bundle is always verified first,
//! and the verdict — with every fault, if any — heads the report. Every
//! value taken from the bundle is escaped; nothing in a bundle can inject
//! markup into the report.

use crate::bundle::{
    AbsentPart, Author, CheckedEntry, Scope, ScopeViews, Verdict, REDACTED, SEALED, WITHHELD,
};
use crate::domain::{
    Amendment, Annotation, Claims, Count, Incident, Payload, Testimony, TEXT, TEXT_LABELS,
    TRANSLATION, WITNESS,
};
use crate::projection::{IncidentView, SourceGrade, SourceRef, TestimonyStatus};
use crate::registry::PAYLOAD;
use crate::statement::Kind;
use crate::time::format_ms;
use serde_json::Value;
use std::fmt::Write as _;

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for Markdown (inline): markup characters get a backslash,
/// `<` and `&` become entities, line breaks become spaces.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Our own prose writes a command or a name in backticks: shown as code,
/// never as a literal backtick. `inline` renders each piece: `code` for a
/// span between backticks, `text` for the rest; unbalanced backticks are
/// all text.
fn prose(s: &str, code: impl Fn(&str) -> String, text: impl Fn(&str) -> String) -> String {
    let pieces: Vec<&str> = s.split('`').collect();
    if pieces.len() % 2 == 0 {
        return text(s);
    }
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { text(p) })
        .collect()
}

fn prose_html(s: &str) -> String {
    prose(s, |c| format!("<code>{}</code>", esc(c)), esc)
}

fn prose_md(s: &str) -> String {
    prose(s, |c| format!("`{c}`"), md)
}

fn count(c: Count) -> String {
    match c {
        Count::Exact(n) => n.to_string(),
        Count::Range { min, max } => format!("{min}–{max}"),
    }
}

fn relation_name(r: crate::domain::Relation) -> &'static str {
    use crate::domain::Relation::*;
    match r {
        Eyewitness => "eyewitness",
        Relative => "relative of victims",
        LocalNotable => "local notable",
        Hearsay => "hearsay",
        Press => "press",
        IntermediaryObservation => "intermediary's own observation",
    }
}

/// One report, built as a list of blocks rendered to either format.
enum Block {
    H1(String),
    H2(String),
    H3(String),
    Para(String),
    /// Verdict box: ok?, title, lines.
    Verdict(bool, String, Vec<String>),
    /// Key/value table.
    Facts(Vec<(String, String, bool)>),
    /// Header, rows. Cells flagged `true` are monospace (hashes, keys).
    Table(Vec<String>, Vec<Vec<(String, bool)>>),
    /// Quoted original text, with its BCP 47 language.
    Quote(String, String),
    /// Start/end of an entry's section (kept together in print).
    Begin(String),
    End,
    Warn(String),
    /// A command line to type.
    Code(String),
}

fn mono(s: impl Into<String>) -> (String, bool) {
    (s.into(), true)
}
fn plain(s: impl Into<String>) -> (String, bool) {
    (s.into(), false)
}

fn fact(k: &str, v: impl Into<String>) -> (String, String, bool) {
    (k.to_string(), v.into(), false)
}
fn fact_mono(k: &str, v: impl Into<String>) -> (String, String, bool) {
    (k.to_string(), v.into(), true)
}

fn author_line(e: &CheckedEntry) -> String {
    match &e.authorised_as {
        Some((name, role)) => format!("{name} ({role})"),
        None => "unknown author (not authorised by the bundle's registry entries)".into(),
    }
}

fn absent_line(e: &CheckedEntry, a: &AbsentPart) -> String {
    if a.why == SEALED {
        let to = match e.sealed_to(&a.label) {
            Some(1) => " to 1 reader".to_string(),
            Some(n) => format!(" to {n} readers"),
            None => String::new(),
        };
        format!(
            "sealed{to}: only its ciphertext ({}) is in the archive and this bundle; a reader opens it with temoin unseal and checks it against the signed digest",
            crate::seal::ciphertext_label(&a.label)
        )
    } else if a.why == REDACTED {
        match a.by_seq {
            Some(by) => format!("erased in the archive by the redaction order at entry {by}"),
            None => "erased in the archive".into(),
        }
    } else {
        "withheld from this bundle at export (still in the archive)".into()
    }
}

/// Is `label` an attachment's (docs/FORMAT.md §3.9): a base label that is
/// neither the payload, nor a text, nor the witness's identity.
fn is_attachment(label: &str) -> bool {
    crate::seal::split_label(label).1.is_none()
        && label != PAYLOAD
        && !TEXT_LABELS.contains(&label)
        && label != WITNESS
}

/// Where the content of part `label` is, as a reader of the report looks
/// for it.
fn whereabouts(e: &CheckedEntry, label: &str) -> String {
    let file = |l: &str| {
        e.body
            .part(l)
            .map(|c| hex::encode(c.digest))
            .unwrap_or_default()
    };
    if e.parts.contains_key(label) {
        "in the bundle".into()
    } else if e.beside.contains(label) {
        format!("beside the bundle as file {}", file(label))
    } else if let Some(a) = e.absent.iter().find(|a| a.label == label) {
        absent_line(e, a)
    } else {
        "MISSING".into()
    }
}

/// The attachments of an entry: what each is (its media type), its size,
/// whether it is sealed, and where its bytes are.
fn attachment_blocks(out: &mut Vec<Block>, e: &CheckedEntry) {
    let rows: Vec<Vec<(String, bool)>> = e
        .body
        .parts
        .iter()
        .filter(|c| is_attachment(&c.label))
        .map(|c| {
            let type_label = temoin_core::attach::media_type_label(&c.label);
            let media = match (e.body.part(&type_label), e.text(&type_label)) {
                (None, _) => "not given by the author".to_string(),
                (Some(_), Some(t)) => t.to_string(),
                (Some(_), None) => format!("committed, not read ({})", whereabouts(e, &type_label)),
            };
            let (sealed, at) = if crate::seal::is_sealed(&e.body, &c.label) {
                let age = crate::seal::ciphertext_label(&c.label);
                let to = match e.sealed_to(&c.label) {
                    Some(1) => "sealed to 1 reader".to_string(),
                    Some(n) => format!("sealed to {n} readers"),
                    None => "sealed".to_string(),
                };
                (
                    to,
                    format!("its ciphertext {age}: {}", whereabouts(e, &age)),
                )
            } else {
                ("no".to_string(), whereabouts(e, &c.label))
            };
            vec![
                plain(c.label.clone()),
                plain(media),
                plain(c.length.to_string()),
                plain(sealed),
                plain(at),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push(Block::Table(
        ["attachment", "media type", "bytes", "sealed", "where"]
            .map(String::from)
            .to_vec(),
        rows,
    ));
}

fn scope_title(v: &Verdict) -> String {
    let incident_title = incident_record(v).map(|i| i.title);
    match &v.scope {
        Scope::Incident(id) => match incident_title {
            Some(t) => format!("Incident {id} — {t}"),
            None => format!("Incident {id}"),
        },
        Scope::Statement(h) => format!("Statement {}", h.chars().take(12).collect::<String>()),
        Scope::All => format!("The whole log of {}", v.origin),
    }
}

/// The latest version of the scope's incident record among the entries.
fn incident_record(v: &Verdict) -> Option<Incident> {
    let Scope::Incident(id) = &v.scope else {
        return None;
    };
    let mut latest = None;
    for e in &v.entries {
        match e.payload() {
            Some(Payload::Incident(i)) if i.id == *id => latest = Some(i),
            Some(Payload::Amendment(Amendment {
                incident: Some(i), ..
            })) if i.id == *id => latest = Some(i),
            _ => {}
        }
    }
    latest
}

fn claims_rows(c: &Claims) -> Vec<(String, String, bool)> {
    let mut f = Vec::new();
    for (k, n) in [
        ("dead", c.dead),
        ("injured", c.injured),
        ("missing", c.missing),
        ("women among the dead", c.women_dead),
        ("children among the dead", c.children_dead),
    ] {
        if let Some(n) = n {
            f.push(fact(k, count(n)));
        }
    }
    f.extend(actor_facts(&c.perpetrators, &c.means));
    f
}

/// "Forces armées maliennes — state forces, alleged", one per line; the
/// means as "armed drone (Bayraktar TB2)".
fn actor_facts(
    perpetrators: &[crate::domain::Perpetrator],
    means: &[crate::domain::Means],
) -> Vec<(String, String, bool)> {
    let mut f = Vec::new();
    if !perpetrators.is_empty() {
        let lines: Vec<String> = perpetrators
            .iter()
            .map(|p| format!("{} — {}, {}", p.name, words(&p.kind), words(&p.attribution)))
            .collect();
        f.push(fact("perpetrators", lines.join("\n")));
    }
    if !means.is_empty() {
        let lines: Vec<String> = means.iter().map(means_words).collect();
        f.push(fact("means", lines.join("\n")));
    }
    f
}

fn means_words(m: &crate::domain::Means) -> String {
    match &m.model {
        Some(model) => format!("{} ({model})", words(&m.kind)),
        None => words(&m.kind),
    }
}

/// A victim's acts, as words: "killed, burned".
fn acts_words(acts: &[crate::domain::Act]) -> String {
    acts.iter().map(words).collect::<Vec<_>>().join(", ")
}

/// A source's grade as a reader needs it: each part with the entry and
/// the reviewer that gave it; "not graded" when none did.
fn grade_words(g: Option<&SourceGrade>, v: &Verdict) -> String {
    let Some(g) = g else {
        return "not graded".into();
    };
    let by = |s: &SourceRef| format!("entry {}, {}", s.seq, who(v, s.seq));
    [
        g.verification
            .as_ref()
            .map(|m| format!("verification {} ({})", words(&m.value), by(&m.by))),
        g.reliability
            .as_ref()
            .map(|m| format!("reliability {} ({})", words(&m.value), by(&m.by))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ")
}

fn victims_table(c: &Claims) -> Option<Block> {
    if c.victims.is_empty() {
        return None;
    }
    let rows = c
        .victims
        .iter()
        .map(|v| {
            vec![
                plain(v.name.clone()),
                plain(format!("{:?}", v.sex).to_lowercase()),
                plain(age_words(v.age, v.age_group)),
                plain(format!("{:?}", v.status).to_lowercase()),
                plain(acts_words(&v.acts)),
                plain(v.relation.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Some(Block::Table(
        ["name", "sex", "age", "status", "acts", "relation"]
            .map(String::from)
            .to_vec(),
        rows,
    ))
}

fn testimony_blocks(out: &mut Vec<Block>, t: &Testimony) {
    let mut f = vec![fact(
        "source",
        if t.source.description.is_empty() {
            relation_name(t.source.relation).to_string()
        } else {
            format!(
                "{} — {}",
                relation_name(t.source.relation),
                t.source.description
            )
        },
    )];
    f.push(fact("incidents", t.incidents.join(", ")));
    f.push(fact("language", t.language.clone()));
    out.push(Block::Facts(f));
    for c in &t.claims {
        let rows = claims_rows(c);
        if !rows.is_empty() || !c.victims.is_empty() {
            out.push(Block::Para(format!(
                "Claims about incident {}:",
                c.incident
            )));
        }
        if !rows.is_empty() {
            out.push(Block::Facts(rows));
        }
        if let Some(t) = victims_table(c) {
            out.push(t);
        }
    }
}

fn entry_blocks(out: &mut Vec<Block>, e: &CheckedEntry, v: &Verdict) {
    let refs: Vec<String> = e
        .body
        .refs
        .iter()
        .map(|r| {
            let h = hex::encode(r);
            match v
                .entries
                .iter()
                .find(|x| x.statement_hash.0 == *r)
                .map(|x| x.seq)
            {
                Some(s) => format!("{h} (entry {s})"),
                None => format!("{h} (not in this bundle)"),
            }
        })
        .collect();
    let verb = match e.body.kind {
        Kind::Amendment => "amends",
        Kind::Retraction => "retracts",
        Kind::Annotation => "annotates",
        Kind::Redaction => "orders erased a part of",
        _ => "refers to",
    };
    out.push(Block::Begin(format!(
        "Entry {} — {}{}{}",
        e.seq,
        e.body.kind,
        if e.ok { "" } else { " — FAULTY" },
        if e.compromise.is_some() {
            " — SIGNED AFTER A DECLARED COMPROMISE"
        } else {
            ""
        }
    )));
    let mut f = vec![
        fact("author", author_line(e)),
        fact_mono("author key", hex::encode(e.body.author)),
        fact(
            "created (claimed by the author)",
            format_ms(e.body.created_at),
        ),
        fact("received by the archive", format_ms(e.entry.received_at)),
        fact_mono("statement hash", e.statement_hash.to_hex()),
        fact_mono("entry hash (Merkle leaf)", e.entry_hash.to_hex()),
    ];
    for r in refs {
        f.push(fact_mono(verb, r));
    }
    out.push(Block::Facts(f));
    if let Some(c) = e.compromise {
        out.push(Block::Warn(format!(
            "not to be relied on as this author's: the archive received it at {}, not before {}, the time since when the revocation at entry {} declares the author's key compromised. It was authorised when appended (the revocation came later), so it is in the log and its signature verifies, but it may have been signed by whoever held the key; it is kept out of every figure.",
            format_ms(e.entry.received_at),
            format_ms(c.effective_at),
            c.revoked_at
        )));
    }
    for flt in v.faults_at(e.seq) {
        out.push(Block::Warn(format!("{}: {}", flt.kind.name(), flt.reason)));
    }
    match e.payload() {
        Some(Payload::Testimony(t)) => testimony_blocks(out, &t),
        Some(Payload::Amendment(a)) => {
            out.push(Block::Facts(vec![fact(
                "reason for the amendment",
                a.reason.clone(),
            )]));
            if let Some(t) = &a.testimony {
                testimony_blocks(out, t);
            }
            if let Some(i) = &a.incident {
                incident_facts(out, i);
            }
        }
        Some(Payload::Incident(i)) => incident_facts(out, &i),
        Some(Payload::Retraction(r)) => {
            out.push(Block::Facts(vec![fact("reason", r.reason)]));
        }
        Some(Payload::Annotation(Annotation {
            stance,
            text,
            grade,
        })) => {
            let mut f = vec![
                fact("stance", format!("{stance:?}").to_lowercase()),
                fact("annotation", text),
            ];
            if let Some(g) = grade {
                if let Some(x) = g.verification {
                    f.push(fact("grade: verification", words(&x)));
                }
                if let Some(x) = g.reliability {
                    f.push(fact("grade: reliability as source", words(&x)));
                }
            }
            out.push(Block::Facts(f));
        }
        Some(Payload::Merge(m)) => {
            out.push(Block::Facts(vec![
                fact("merged", format!("{} into {}", m.from, m.into)),
                fact("reason", m.reason),
            ]));
        }
        Some(Payload::SummaryClaim(s)) => {
            out.push(Block::Facts(vec![
                fact("claim", s.text),
                fact("window", format!("{} to {}", s.from, s.to)),
                fact("source", relation_name(s.source.relation)),
            ]));
        }
        Some(Payload::Redaction(r)) => {
            out.push(Block::Facts(vec![
                fact("part erased", r.label),
                fact("reason", r.reason),
            ]));
        }
        None => {}
    }
    let lang = match e.payload() {
        Some(Payload::Testimony(t)) => t.language,
        Some(Payload::Amendment(Amendment {
            testimony: Some(t), ..
        })) => t.language,
        _ => "fr".into(),
    };
    if let Some(text) = e.text(TEXT) {
        out.push(Block::Para("Original text:".into()));
        out.push(Block::Quote(text.to_string(), lang));
    }
    if let Some(text) = e.text(TRANSLATION) {
        out.push(Block::Para("Translation:".into()));
        out.push(Block::Quote(text.to_string(), "en".into()));
    }
    attachment_blocks(out, e);
    // Every committed part and what became of it.
    let rows = e
        .body
        .parts
        .iter()
        .map(|c| {
            let status = if e.parts.contains_key(&c.label) {
                "included, digest verified".to_string()
            } else if e.beside.contains(&c.label) {
                format!(
                    "beside the bundle as file {}, digest verified",
                    hex::encode(c.digest)
                )
            } else if let Some(a) = e.absent.iter().find(|a| a.label == c.label) {
                absent_line(e, a)
            } else {
                "MISSING".to_string()
            };
            vec![
                plain(c.label.clone()),
                plain(c.length.to_string()),
                mono(hex::encode(c.digest)),
                plain(status),
            ]
        })
        .collect();
    out.push(Block::Table(
        ["part", "bytes", "committed digest", "in this bundle"]
            .map(String::from)
            .to_vec(),
        rows,
    ));
    out.push(Block::End);
}

fn incident_facts(out: &mut Vec<Block>, i: &Incident) {
    let place = [
        Some(i.place.name.clone()),
        i.place.commune.clone().map(|c| format!("commune of {c}")),
        i.place.cercle.clone().map(|c| format!("cercle of {c}")),
        i.place.region.clone().map(|c| format!("region of {c}")),
        Some(i.place.country.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let mut f = vec![
        fact("incident", format!("{} ({})", i.title, i.id)),
        fact("type", i.incident_type.replace('_', " ")),
        fact(
            "place",
            match i.place.precision {
                Some(p) => format!("{place} (precision: {})", words(&p)),
                None => place,
            },
        ),
        fact(
            "date",
            format!(
                "{} ({})",
                i.when.display().replace(" → ", " to "),
                words(&i.when.precision)
            ),
        ),
    ];
    if let Some(c) = i.place.coordinates {
        f.push(fact("coordinates", format!("{:.5}, {:.5}", c.lat, c.lon)));
    }
    if !i.description.is_empty() {
        f.push(fact("description", i.description.clone()));
    }
    f.extend(actor_facts(&i.perpetrators, &i.means));
    out.push(Block::Facts(f));
}

/// "7–15 (child)", "adult", "41".
fn age_words(age: Option<Count>, group: Option<crate::domain::AgeGroup>) -> String {
    match (age, group) {
        (Some(a), Some(g)) => format!("{} ({})", count(a), words(&g)),
        (Some(a), None) => count(a),
        (None, Some(g)) => words(&g),
        (None, None) => String::new(),
    }
}

/// Who wrote entry `seq`, by name, from the verified entries.
fn who(v: &Verdict, seq: u64) -> String {
    v.entries
        .iter()
        .find(|e| e.seq == seq)
        .and_then(|e| e.authorised_as.as_ref())
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "?".into())
}

/// The name an enum of the domain has in the data (`local_notable`), as
/// words (`local notable`).
fn words<T: serde::Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

fn entry_of(s: &SourceRef, v: &Verdict) -> String {
    format!("entry {} ({})", s.seq, who(v, s.seq))
}

const FIGURES: [(&str, &str); 5] = [
    ("dead", "dead"),
    ("injured", "injured"),
    ("missing", "missing"),
    ("women_dead", "women among the dead"),
    ("children_dead", "children among the dead"),
];

/// Render an `IncidentView` (docs/DOMAIN.md) as figures, victims and
/// testimonies.
fn incident_view_blocks(out: &mut Vec<Block>, id: &str, view: &IncidentView, v: &Verdict) {
    out.push(Block::H3(format!("Figures for {id}, by source")));
    let mut rows = Vec::new();
    for (key, label) in FIGURES {
        let Some(f) = view.figures.get(key) else {
            continue;
        };
        let range = if f.min == f.max {
            f.min.to_string()
        } else {
            format!("{} to {}", f.min, f.max)
        };
        let conflict = if f.conflict {
            "CONFLICT: sources disagree"
        } else {
            "sources agree"
        };
        let per: Vec<String> = f
            .per_source
            .iter()
            .map(|p| {
                format!(
                    "{} — entry {}, {}{}; {}",
                    count(p.count),
                    p.source.seq,
                    who(v, p.source.seq),
                    if p.description.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", p.description)
                    },
                    grade_words(p.grade.as_ref(), v)
                )
            })
            .collect();
        rows.push(vec![
            plain(label),
            plain(range),
            plain(format!(
                "{conflict}; {} independent {}, {} {}",
                f.sources,
                if f.sources == 1 { "source" } else { "sources" },
                f.authors,
                if f.authors == 1 { "author" } else { "authors" }
            )),
            plain(per.join("\n")),
        ]);
    }
    if rows.is_empty() {
        out.push(Block::Para("No testimony gives a figure.".into()));
    } else {
        out.push(Block::Table(
            [
                "figure",
                "range",
                "agreement",
                "each source (count — entry, author; grade)",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        ));
    }
    facts_blocks(out, id, view, v);
    if !view.victims.is_empty() {
        out.push(Block::H3(format!("Victims named ({})", view.victims.len())));
        let rows = view
            .victims
            .iter()
            .map(|x| {
                let others: Vec<&str> = x
                    .spellings
                    .iter()
                    .map(String::as_str)
                    .filter(|s| *s != x.name)
                    .collect();
                let named_by: Vec<String> = x
                    .mentions
                    .iter()
                    .map(
                        |m| match m.grade.as_ref().and_then(SourceGrade::verification) {
                            Some(g) => format!("{}; graded {}", entry_of(&m.source, v), words(&g)),
                            None => entry_of(&m.source, v),
                        },
                    )
                    .collect();
                vec![
                    plain(if others.is_empty() {
                        x.name.clone()
                    } else {
                        format!("{} (also: {})", x.name, others.join(", "))
                    }),
                    plain(x.sex.as_ref().map(words).unwrap_or_default()),
                    plain(age_words(x.age, x.age_group)),
                    plain(x.status.as_ref().map(words).unwrap_or_default()),
                    plain(acts_words(&x.acts)),
                    plain(if x.conflict {
                        "sources disagree"
                    } else {
                        "agreed"
                    }),
                    plain(named_by.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            [
                "name", "sex", "age", "status", "acts", "sources", "named by",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        ));
    }
    if !view.testimonies.is_empty() {
        out.push(Block::H3(format!(
            "Testimonies ({})",
            view.testimonies.len()
        )));
        let rows = view
            .testimonies
            .iter()
            .map(|t| {
                let status = match &t.status {
                    TestimonyStatus::Active => "active".to_string(),
                    TestimonyStatus::Retracted { by, reason } => {
                        format!("RETRACTED by entry {}: {reason}", by.seq)
                    }
                    TestimonyStatus::Elsewhere { .. } => "now about other incidents".into(),
                    TestimonyStatus::Compromised {
                        revoked_at,
                        effective_at,
                    } => format!(
                        "NOT COUNTED: signed after a declared compromise of its author's key (distrusted since {}, revocation at entry {revoked_at})",
                        format_ms(*effective_at)
                    ),
                };
                let versions: Vec<String> = t
                    .versions
                    .iter()
                    .map(|ver| match &ver.reason {
                        Some(r) => format!("entry {}, amended: {r}", ver.source.seq),
                        None => format!("entry {}", ver.source.seq),
                    })
                    .collect();
                let notes: Vec<String> = t
                    .annotations
                    .iter()
                    .map(|n| {
                        format!(
                            "{} (entry {}, {}): {}",
                            words(&n.stance),
                            n.source.seq,
                            who(v, n.source.seq),
                            n.text
                        )
                    })
                    .collect();
                vec![
                    plain(format!(
                        "entry {}\n{}",
                        t.current.seq,
                        who(v, t.current.seq)
                    )),
                    plain(status),
                    plain(format!(
                        "{}{}",
                        words(&t.source.relation),
                        match t.source.description.as_str() {
                            "" => String::new(),
                            d => format!(" — {d}"),
                        }
                    )),
                    plain(versions.join("\n")),
                    plain(grade_words(t.grade.as_ref(), v)),
                    plain(notes.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            [
                "latest version",
                "status",
                "source",
                "versions",
                "grade",
                "annotations",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        ));
    }
    if !view.merged.is_empty() {
        out.push(Block::H3("Incidents merged into this one".into()));
        for m in &view.merged {
            out.push(Block::Para(format!(
                "{} (entry {}): {}",
                m.from, m.source.seq, m.reason
            )));
        }
    }
    if !view.claims.is_empty() {
        out.push(Block::H3("Published summary claims naming it".into()));
        for c in &view.claims {
            out.push(Block::Para(format!(
                "\u{201c}{}\u{201d} (entry {}; {})",
                c.claim.text,
                c.source.seq,
                grade_words(c.grade.as_ref(), v)
            )));
        }
    }
    if let Some(m) = &view.merged_into {
        out.push(Block::Warn(format!(
            "this incident was merged into {} (entry {}): read it there",
            m.into, m.source.seq
        )));
    }
}

/// Who is alleged to have done it and with what, each source side by
/// side; and the accounts whose figures contradict each other.
fn facts_blocks(out: &mut Vec<Block>, id: &str, view: &IncidentView, v: &Verdict) {
    let from = |f: &crate::projection::facts::FactSource| {
        let what = if f.record {
            "incident record".to_string()
        } else {
            match (&f.relation, f.description.as_str()) {
                (Some(r), "") => words(r),
                (Some(r), d) => format!("{} — {d}", words(r)),
                (None, _) => String::new(),
            }
        };
        format!(
            "entry {}, {} ({what}); {}",
            f.source.seq,
            who(v, f.source.seq),
            grade_words(f.grade.as_ref(), v)
        )
    };
    if !view.perpetrators.is_empty() {
        out.push(Block::H3(format!(
            "Alleged perpetrators of {id}, by source"
        )));
        let rows = view
            .perpetrators
            .iter()
            .map(|p| {
                let per: Vec<String> = p
                    .per_source
                    .iter()
                    .map(|s| {
                        format!(
                            "{}, {} — {}",
                            words(&s.attribution),
                            words(&s.kind),
                            from(&s.from)
                        )
                    })
                    .collect();
                vec![
                    plain(p.name.clone()),
                    plain(
                        p.attributions
                            .iter()
                            .map(words)
                            .collect::<Vec<_>>()
                            .join(" / "),
                    ),
                    plain(format!(
                        "{}; {} independent {}",
                        if p.conflict {
                            "CONFLICT: sources disagree"
                        } else {
                            "sources agree"
                        },
                        p.sources,
                        if p.sources == 1 { "source" } else { "sources" }
                    )),
                    plain(per.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            [
                "perpetrator",
                "attribution",
                "agreement",
                "each source (attribution, kind — entry, author; grade)",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        ));
    }
    if !view.means.is_empty() {
        out.push(Block::H3(format!("Means used in {id}, by source")));
        let rows = view
            .means
            .iter()
            .map(|m| {
                let per: Vec<String> = m
                    .per_source
                    .iter()
                    .map(|s| match &s.model {
                        Some(model) => format!("{model} — {}", from(&s.from)),
                        None => format!("model not given — {}", from(&s.from)),
                    })
                    .collect();
                vec![plain(words(&m.kind)), plain(per.join("\n"))]
            })
            .collect();
        out.push(Block::Table(
            ["means", "each source (model — entry, author; grade)"]
                .map(String::from)
                .to_vec(),
            rows,
        ));
    }
    if !view.data_conflicts.is_empty() {
        out.push(Block::H3(format!(
            "Accounts whose figures contradict each other ({})",
            view.data_conflicts.len()
        )));
        out.push(Block::Para(
            "Kept as the source gave them, and counted; flagged so that they are not read as agreed.".into(),
        ));
        let rows = view
            .data_conflicts
            .iter()
            .map(|c| {
                vec![
                    plain(format!("entry {}, {}", c.source.seq, who(v, c.source.seq))),
                    plain(c.incident.clone()),
                    plain(c.text.clone()),
                ]
            })
            .collect();
        out.push(Block::Table(
            ["account", "about", "what disagrees"]
                .map(String::from)
                .to_vec(),
            rows,
        ));
    }
}

/// Render the views recomputed from the bundle's entries.
fn projection_blocks(out: &mut Vec<Block>, views: &ScopeViews, v: &Verdict) {
    if views.is_empty() {
        out.push(Block::Para(
            "No projection could be computed from this bundle's entries.".into(),
        ));
    }
    for (id, view) in views {
        match view {
            Some(view) => incident_view_blocks(out, id, view, v),
            None => out.push(Block::Para(format!(
                "Incident {id}: no entry of this bundle opens it."
            ))),
        }
    }
}

fn authors_table(authors: &[Author]) -> Block {
    Block::Table(
        ["name", "role", "key", "enrolled at", "status"]
            .map(String::from)
            .to_vec(),
        authors
            .iter()
            .map(|a| {
                vec![
                    plain(a.name.clone()),
                    plain(a.role.clone()),
                    mono(a.key.clone()),
                    plain(format!("entry {}", a.enrolled_at)),
                    plain(match (a.revoked_at, &a.revocation_reason) {
                        (Some(s), Some(r)) => format!(
                            "revoked at entry {s} ({r}){}",
                            a.revoked_effective_at
                                .map(|t| format!(", distrusted since {}", format_ms(t)))
                                .unwrap_or_default()
                        ),
                        _ => "active".into(),
                    }),
                ]
            })
            .collect(),
    )
}

/// What a report says of itself, so that a printed copy filed as an
/// exhibit can be tied to the bundle it was made from: the bundle file's
/// name and SHA-256, when the report was made and, if given, by whom.
#[derive(Clone, Debug, Default)]
pub struct Exhibit {
    /// The bundle file's name, as the reader has it.
    pub bundle_name: String,
    /// SHA-256 of the bundle file's bytes, hex.
    pub bundle_sha256: String,
    /// When the report was generated, `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated_at: String,
    pub prepared_by: Option<String>,
}

fn blocks(v: &Verdict, x: &Exhibit) -> Vec<Block> {
    let mut out = Vec::new();
    out.push(Block::H1(format!(
        "Chain-of-custody report — {}",
        scope_title(v)
    )));
    // The verdict first.
    let compromised = v.signed_after_compromise();
    if v.ok() && !compromised.is_empty() {
        // The bundle is intact, but a statement signed after a declared
        // compromise must not be presented as verified evidence.
        let mut lines = vec![
            format!(
                "All {} entries of this bundle check against the archive's signed checkpoint: signatures, part digests, inclusion proofs, authority when appended, the rules of ingest and the projection.",
                v.entries.len()
            ),
            format!(
                "But {} of them {} signed with a key its custodians have since declared compromised, and received at or after the time since when they distrust it. Whoever held the key may have signed {}; {} kept out of every figure and must not be relied on as {} author's:",
                compromised.len(),
                if compromised.len() == 1 { "was" } else { "were" },
                if compromised.len() == 1 { "it" } else { "them" },
                if compromised.len() == 1 { "it is" } else { "they are" },
                if compromised.len() == 1 { "its" } else { "their" },
            ),
        ];
        lines.extend(compromised.iter().map(|f| f.to_string()));
        out.push(Block::Verdict(
            false,
            format!(
                "INTACT, WITH {} STATEMENT{} SIGNED AFTER A DECLARED KEY COMPROMISE",
                compromised.len(),
                if compromised.len() == 1 { "" } else { "S" }
            ),
            lines,
        ));
    } else if v.ok() {
        out.push(Block::Verdict(
            true,
            "VERIFIED".into(),
            vec![
                format!(
                    "All {} entries of this bundle verify offline against the archive's signed checkpoint.",
                    v.entries.len()
                ),
                "Each statement's signature verifies (Ed25519, verify_strict) with its author's key; each included part matches the digest its author signed; each entry is proven, by an RFC 9162 inclusion proof, to be at its position in the log whose root the archive signed; each author was enrolled and not revoked when the entry was appended, as replayed from the registry entries in the bundle; the projection below was recomputed from the entries.".into(),
            ],
        ));
    } else {
        let mut lines: Vec<String> = v.faults.iter().map(|f| f.to_string()).collect();
        if v.more_faults > 0 {
            lines.push(match v.more_faults {
                1 => "… and 1 more fault.".to_string(),
                n => format!("… and {n} more faults."),
            });
        }
        out.push(Block::Verdict(
            false,
            "VERIFICATION FAILED — do not rely on this bundle".into(),
            lines,
        ));
    }
    let mut facts = vec![
        fact("archive (log origin)", v.origin.clone()),
        fact_mono("archive checkpoint key", v.archive_key.clone()),
    ];
    if let Some(cp) = &v.checkpoint {
        facts.push(fact("signed tree size", cp.size.to_string()));
        facts.push(fact_mono("signed tree root", hex::encode(cp.root)));
    }
    facts.push(fact("scope", v.scope.to_string()));
    facts.push(fact("exported", v.exported_at.clone()));
    facts.push(fact("bundle file", x.bundle_name.clone()));
    facts.push(fact_mono("bundle file SHA-256", x.bundle_sha256.clone()));
    facts.push(fact("report generated", x.generated_at.clone()));
    if let Some(by) = &x.prepared_by {
        facts.push(fact("prepared by", by.clone()));
    }
    facts.push(fact(
        "entries",
        format!(
            "{} ({} registry entries)",
            v.entries.len(),
            v.entries.iter().filter(|e| e.kind().is_registry()).count()
        ),
    ));
    out.push(Block::Facts(facts));

    // What is not in the bundle.
    let absent = v.absent_parts();
    out.push(Block::H2("Parts not included".into()));
    if absent.is_empty() {
        out.push(Block::Para(
            "Every part of every entry is included in this bundle.".into(),
        ));
    } else {
        let withheld = absent.iter().any(|(_, a)| a.why == WITHHELD);
        let erased = absent.iter().any(|(_, a)| a.why == REDACTED);
        let sealed = absent.iter().any(|(_, a)| a.why == SEALED);
        let mut text = "These parts are committed in their authors' signed statements (the digest and length are signed), but their content is not in this bundle. The signatures and proofs verify without them.".to_string();
        if withheld {
            text.push_str(" A part withheld at export is still in the archive: its content can be disclosed later and checked against the digest.");
        }
        if erased {
            text.push_str(" A part erased by a redaction order is gone from the archive for good: its content cannot be disclosed from it.");
        }
        if sealed {
            text.push_str(" A sealed part was encrypted by its author to named readers before it left the author's machine: neither the archive nor this bundle holds it in clear, only its ciphertext, which its readers alone can open and check against the signed digest.");
        }
        out.push(Block::Para(text));
        out.push(Block::Table(
            ["entry", "part", "why"].map(String::from).to_vec(),
            absent
                .iter()
                .map(|(s, a)| {
                    vec![
                        plain(s.to_string()),
                        plain(if a.label == WITNESS {
                            "witness (identity of the witness)".into()
                        } else {
                            a.label.clone()
                        }),
                        plain(
                            v.entries
                                .iter()
                                .find(|e| e.seq == *s)
                                .map(|e| absent_line(e, a))
                                .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
        ));
    }

    not_established_blocks(&mut out, v);

    // The incident.
    out.push(Block::H2("The incident as projected".into()));
    if let Some(i) = incident_record(v) {
        incident_facts(&mut out, &i);
    }
    out.push(Block::Para(
        "Recomputed by the verifier from the entries of this bundle; every figure names the entries it comes from.".into(),
    ));
    if let Some(views) = &v.views {
        projection_blocks(&mut out, views, v);
    }

    // The statements.
    out.push(Block::H2(
        "Statements, in the order the archive received them".into(),
    ));
    for e in v.entries.iter().filter(|e| !e.kind().is_registry()) {
        entry_blocks(&mut out, e, v);
    }

    // Authority.
    out.push(Block::H2("Authors and their authority".into()));
    out.push(Block::Para(
        "As established by the registry entries of this bundle (genesis, enrolments and revocations signed by custodians), each with its own inclusion proof.".into(),
    ));
    out.push(authors_table(&v.authors));
    out.push(Block::Table(
        ["entry", "kind", "signed by", "received", "statement hash"]
            .map(String::from)
            .to_vec(),
        v.entries
            .iter()
            .filter(|e| e.kind().is_registry())
            .map(|e| {
                vec![
                    plain(e.seq.to_string()),
                    plain(registry_summary(e)),
                    plain(author_line(e)),
                    plain(format_ms(e.entry.received_at)),
                    mono(e.statement_hash.to_hex()),
                ]
            })
            .collect(),
    ));

    out.push(Block::H2("Method and limits".into()));
    out.push(Block::Para(format!(
        "This report was produced by temoin {} from the bundle alone, offline, with the archive's checkpoint key given by the reader. To check the bundle independently, run the command below, or a verifier written from the specification (docs/FORMAT.md, \u{a7}12):",
        env!("CARGO_PKG_VERSION"),
    )));
    out.push(Block::Code(format!(
        "temoin verify-bundle '{}' --archive-key '{}'",
        x.bundle_name.replace('\'', "'\\''"),
        v.archive_key
    )));
    out.push(Block::Para(
        "Limits: a bundle proves that each entry it holds is in the archive's log, unaltered, at the stated position, signed by an author authorised at that time. It does not prove that the archive holds no other statement about the incident; a full audit of a copy of the archive (`temoin verify`) does. Times claimed by authors are their own; times of receipt are the archive's.".into(),
    ));
    out
}

/// What the rules needed from the rest of the log (FORMAT.md §12.6 step 7):
/// said, so that a reader does not take it as proven.
fn not_established_blocks(out: &mut Vec<Block>, v: &Verdict) {
    if v.not_established.is_empty() {
        return;
    }
    out.push(Block::H2("Not established by this bundle".into()));
    out.push(Block::Para(
        "Every rule the archive applies at ingest was checked against the entries of this bundle. These depend on entries of the log that the bundle does not hold, so the bundle neither proves nor disproves them; a full audit of a copy of the archive (`temoin verify`) decides them.".into(),
    ));
    out.push(Block::Table(
        ["entry", "what"].map(String::from).to_vec(),
        v.not_established
            .iter()
            .map(|n| vec![plain(n.seq.to_string()), plain(n.what.clone())])
            .collect(),
    ));
}

fn registry_summary(e: &CheckedEntry) -> String {
    use crate::registry::{EnrollPayload, GenesisPayload, RevokePayload};
    fn payload<T: serde::de::DeserializeOwned>(e: &CheckedEntry) -> Option<T> {
        e.parts
            .get(PAYLOAD)
            .and_then(|p| serde_json::from_slice(p).ok())
    }
    // A payload the verifier could not read is a fault reported above;
    // here the line just says less.
    match e.kind() {
        Kind::Genesis => format!(
            "genesis: archive created, custodian {}",
            payload::<GenesisPayload>(e)
                .map(|g| g.custodian_name)
                .unwrap_or_default()
        ),
        Kind::Enroll => match payload::<EnrollPayload>(e) {
            Some(p) => format!("enrolment of {} as {}", p.name, words(&p.role)),
            None => "enrolment".into(),
        },
        Kind::Revoke => match payload::<RevokePayload>(e) {
            Some(p) => format!(
                "revocation of key {}…: {}",
                p.key.get(..12).unwrap_or(""),
                p.reason
            ),
            None => "revocation".into(),
        },
        k => k.to_string(),
    }
}

const CSS: &str = r#"
:root { --ink:#1b1b1b; --muted:#555; --rule:#c8c8c8; --ok:#0b6b2e; --bad:#a00000; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif", "DejaVu Serif", Georgia, "Times New Roman", serif; color: var(--ink);
       max-width: 58rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 11pt; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.verdict { border: 3px solid var(--ok); padding: .8rem 1rem; margin: 1rem 0; }
.verdict.bad { border-color: var(--bad); }
.verdict .title { font-weight: bold; font-size: 1.3rem; color: var(--ok); letter-spacing: .05em; }
.verdict.bad .title { color: var(--bad); }
.verdict ul { margin: .4rem 0 0; padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .45rem; vertical-align: top; text-align: left; white-space: pre-line; }
th { background: #f1f1f1; font-weight: 600; }
table.facts th { width: 15rem; background: transparent; font-weight: normal; color: var(--muted); }
.mono, code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .82em; word-break: break-all; }
blockquote { margin: .4rem 0 .8rem; padding: .4rem .9rem; border-left: 4px solid #999; background: #fafafa; white-space: pre-wrap; }
section.entry { border: 1px solid var(--rule); padding: .2rem .9rem .4rem; margin: 1rem 0; }
section.entry h3 { margin-top: .6rem; }
.warn { color: var(--bad); font-weight: bold; }
pre.mono { white-space: pre-wrap; background: #f6f6f6; padding: .5rem .7rem; border: 1px solid var(--rule); }
footer { margin-top: 2rem; color: var(--muted); font-size: .9em; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  body { max-width: none; margin: 0; padding: 0 2px; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  table.facts, .verdict { break-inside: avoid; }
  section.entry { break-inside: auto; }
  tr { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  blockquote { background: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The report as a standalone HTML document (UTF-8, print stylesheet).
pub fn html(v: &Verdict, x: &Exhibit) -> String {
    let mut s = String::new();
    let title = format!("Chain-of-custody report — {}", scope_title(v));
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&title),
        running_heads(v, x)
    );
    for b in blocks(v, x) {
        match b {
            Block::H1(t) => {
                let _ = writeln!(s, "<h1>{}</h1>", esc(&t));
            }
            Block::H2(t) => {
                let _ = writeln!(s, "<h2>{}</h2>", esc(&t));
            }
            Block::H3(t) => {
                let _ = writeln!(s, "<h3>{}</h3>", esc(&t));
            }
            Block::Para(t) => {
                let _ = writeln!(s, "<p>{}</p>", prose_html(&t));
            }
            Block::Warn(t) => {
                let _ = writeln!(s, "<p class=\"warn\">FAULT — {}</p>", esc(&t));
            }
            Block::Verdict(ok, title, lines) => {
                let _ = writeln!(
                    s,
                    "<div class=\"verdict{}\"><div class=\"title\">{}</div><ul>",
                    if ok { "" } else { " bad" },
                    esc(&title)
                );
                for l in lines {
                    let _ = writeln!(s, "<li>{}</li>", prose_html(&l));
                }
                s.push_str("</ul></div>\n");
            }
            Block::Facts(rows) => {
                s.push_str("<table class=\"facts\">\n");
                for (k, v, m) in rows {
                    let _ = writeln!(
                        s,
                        "<tr><th>{}</th><td{}>{}</td></tr>",
                        esc(&k),
                        if m { " class=\"mono\"" } else { "" },
                        esc(&v)
                    );
                }
                s.push_str("</table>\n");
            }
            Block::Table(head, rows) => {
                s.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(s, "<th>{}</th>", esc(&h));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for (c, m) in r {
                        let _ = write!(
                            s,
                            "<td{}>{}</td>",
                            if m { " class=\"mono\"" } else { "" },
                            esc(&c)
                        );
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::Quote(t, lang) => {
                let _ = writeln!(
                    s,
                    "<blockquote lang=\"{}\">{}</blockquote>",
                    esc(&lang),
                    esc(&t)
                );
            }
            Block::Begin(t) => {
                let _ = writeln!(s, "<section class=\"entry\">\n<h3>{}</h3>", esc(&t));
            }
            Block::End => s.push_str("</section>\n"),
            Block::Code(t) => {
                let _ = writeln!(s, "<pre class=\"mono\">{}</pre>", esc(&t));
            }
        }
    }
    let _ = writeln!(
        s,
        "<footer>Generated by temoin {} on {}{} from the bundle {} (SHA-256 {}), exported {}. Hashes are SHA-256, in hex.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(&x.generated_at),
        x.prepared_by
            .as_deref()
            .map(|by| format!(" for {}", esc(by)))
            .unwrap_or_default(),
        esc(&x.bundle_name),
        esc(&x.bundle_sha256),
        esc(&v.exported_at)
    );
    s
}

/// A string as CSS writes it between double quotes: nothing in it can end
/// the string, the rule or the style element.
fn css_string(t: &str) -> String {
    let mut out = String::from("\"");
    for c in t.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '\n' | '\r' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The running header and footer of every printed page: the archive's
/// origin and the scope above, the bundle file's SHA-256 and "page N / M"
/// below (CSS page margin boxes).
fn running_heads(v: &Verdict, x: &Exhibit) -> String {
    format!(
        "\n@media print {{ @page {{\n  @top-left {{ content: {}; width: 50%; font: 7.5pt sans-serif; color: #555; }}\n  @top-right {{ content: {}; width: 50%; font: 7.5pt sans-serif; color: #555; }}\n  @bottom-left {{ content: {}; width: 82%; font: 7pt monospace; color: #555; }}\n  @bottom-right {{ content: \"page \" counter(page) \" / \" counter(pages); width: 18%; white-space: nowrap; font: 8pt sans-serif; }}\n}} }}\n",
        css_string(&format!("Chain of custody — {}", v.origin)),
        css_string(&scope_title(v)),
        css_string(&format!("bundle {} · SHA-256 {}", x.bundle_name, x.bundle_sha256)),
    )
}

/// The report as Markdown (UTF-8).
pub fn markdown(v: &Verdict, x: &Exhibit) -> String {
    let mut s = String::new();
    let cell = |c: &str, m: bool| {
        if m {
            format!("`{}`", c.replace('`', "'"))
        } else {
            c.split('\n').map(md).collect::<Vec<_>>().join("<br>")
        }
    };
    for b in blocks(v, x) {
        match b {
            Block::H1(t) => {
                let _ = writeln!(s, "# {}\n", md(&t));
            }
            Block::H2(t) => {
                let _ = writeln!(s, "## {}\n", md(&t));
            }
            Block::H3(t) | Block::Begin(t) => {
                let _ = writeln!(s, "### {}\n", md(&t));
            }
            Block::Para(t) => {
                let _ = writeln!(s, "{}\n", prose_md(&t));
            }
            Block::Warn(t) => {
                let _ = writeln!(s, "**FAULT — {}**\n", md(&t));
            }
            Block::Verdict(_, title, lines) => {
                let _ = writeln!(s, "> **{}**\n>", md(&title));
                for l in lines {
                    let _ = writeln!(s, "> - {}", md(&l));
                }
                s.push('\n');
            }
            Block::Facts(rows) => {
                s.push_str("| | |\n|---|---|\n");
                for (k, v, m) in rows {
                    let _ = writeln!(s, "| {} | {} |", md(&k), cell(&v, m));
                }
                s.push('\n');
            }
            Block::Table(head, rows) => {
                let _ = writeln!(
                    s,
                    "| {} |",
                    head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(
                        s,
                        "| {} |",
                        r.iter()
                            .map(|(c, m)| cell(c, *m))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                }
                s.push('\n');
            }
            Block::Quote(t, _) => {
                for line in t.lines() {
                    let _ = writeln!(s, "> {}", md(line));
                }
                s.push('\n');
            }
            Block::End => {}
            Block::Code(t) => {
                let _ = writeln!(s, "```\n{}\n```\n", t.replace('`', "'"));
            }
        }
    }
    let _ = writeln!(
        s,
        "---\n\nGenerated by temoin {} on {}{} from the bundle {} (SHA-256 `{}`), exported {}. Hashes are SHA-256, in hex.",
        env!("CARGO_PKG_VERSION"),
        md(&x.generated_at),
        x.prepared_by
            .as_deref()
            .map(|by| format!(" for {}", md(by)))
            .unwrap_or_default(),
        md(&x.bundle_name),
        x.bundle_sha256,
        md(&v.exported_at)
    );
    s
}
