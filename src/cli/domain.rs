//! Incidents, history, tallies, rebuild and the demo: reading the
//! projections (docs/DOMAIN.md). Printing only; the library computes.

use super::exports;
use super::remote::{self, Source, SourceArg};
use super::{print_json, progress, table, table_of, ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use temoin::archive::Archive;
use temoin::demo::{DemoError, DemoReport};
use temoin::domain::Verification;
use temoin::i18n::{current, Lang};
use temoin::projection::history::{format_place, format_when};
use temoin::projection::incident::{
    count_display, Figure, IncidentSummary, IncidentView, RecordView, FIGURE_NAMES,
};
use temoin::projection::tally::{Tally, TallyRow};
use temoin::projection::SourceGrade;
use temoin::projection::{
    ArchiveViews, AsOf, History, ProjectionError, SourceRef, TallyFilter, TestimonyStatus,
};
use temoin::t;
use temoin::time::format_ms;

#[derive(Subcommand)]
pub enum Command {
    /// List incidents or show one, with the source of every fact.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// How the record of an incident (id or name) or a testimony (statement hash) changed, entry by entry.
    #[command(
        after_long_help = "Example:\n  temoin history --archive ./archive tin-aicha-2025-11-14\n  temoin history --archive ./archive 3f2a9c1e"
    )]
    History {
        /// An incident id or name, or a statement hash (at least 8 hex digits).
        id: String,
        #[command(flatten)]
        archive: SourceArg,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Casualty figures over a region and a date window, reconciled with published summary claims.
    #[command(
        after_long_help = "Example:\n  temoin tally --archive ./archive --region Tombouctou --from 2025-11-01 --to 2025-11-30"
    )]
    Tally {
        #[command(flatten)]
        archive: SourceArg,
        /// Region, cercle, commune, place or country (accents and case ignored).
        #[arg(long)]
        region: Option<String>,
        /// First day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// As of an entry number or a UTC time (YYYY-MM-DD = end of that day).
        #[arg(long, value_name = "SEQ|TIME")]
        as_of: Option<String>,
        #[command(flatten)]
        grade: MinGrade,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every named victim of every incident: status, sex, age, the entries that name them.
    #[command(
        after_long_help = "Example:\n  temoin victims --archive ./archive --csv --excel > victims.csv"
    )]
    Victims {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Find incidents, places (commune, cercle, region), named victims and
    /// alleged perpetrators;
    /// accents, case, hyphens and apostrophes ignored ("tin aicha").
    #[command(after_long_help = "Example:\n  temoin search \"tin aicha\" --archive ./archive")]
    Search {
        /// What to look for.
        text: String,
        #[command(flatten)]
        archive: SourceArg,
        /// As of an entry number or a UTC time (YYYY-MM-DD = end of that day).
        #[arg(long, value_name = "SEQ|TIME")]
        as_of: Option<String>,
        /// Print the matches as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Recompute every projection from the log alone and compare with what is stored.
    #[command(after_long_help = "Example:\n  temoin rebuild --archive ./archive")]
    Rebuild {
        #[command(flatten)]
        archive: ArchiveArg,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// No progress bar (there is none either when stderr is not a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Build a demo archive from the seed article, verify it, and show its incidents and tally.
    #[command(after_long_help = "Example:\n  temoin demo --archive ./demo")]
    Demo {
        /// A new (or empty) directory for the demo archive.
        #[arg(long, value_name = "DIR")]
        archive: PathBuf,
        /// Replace a previous demo archive in DIR (refused if DIR holds anything else).
        #[arg(long)]
        force: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// No progress bar (there is none either when stderr is not a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
}

/// `--min-grade`: figures from graded sources only.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct MinGrade {
    /// Count in the figures only sources a reviewer graded at least this
    /// for verification (confirmed > fair > weak > contested > discounted);
    /// ungraded sources are left out, and the output says how many.
    #[arg(long, value_name = "GRADE", value_parser = parse_grade)]
    pub min_grade: Option<Verification>,
}

fn parse_grade(s: &str) -> Result<Verification, String> {
    s.parse::<Verification>()
        .map_err(|_| t!("cli-bad-grade", value = format!("{s:?}")))
}

/// What a listing takes: the archive, a point in its history, the output.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub archive: SourceArg,
    /// As of an entry number or a UTC time (YYYY-MM-DD = end of that day).
    #[arg(long, value_name = "SEQ|TIME")]
    pub as_of: Option<String>,
    /// Print the result as JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    #[command(flatten)]
    pub csv: CsvArgs,
}

/// CSV output (RFC 4180, UTF-8, CRLF line ends; columns in docs/DOMAIN.md).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CsvArgs {
    /// Print CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
    /// With --csv: begin with a UTF-8 byte-order mark, so that Excel reads
    /// accented names right.
    #[arg(long, requires = "csv")]
    pub excel: bool,
}

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Every incident with its figures (ranges, ⚠ where sources disagree).
    #[command(
        after_long_help = "Example:\n  temoin incident list --archive ./archive --as-of 2025-11-20"
    )]
    List {
        #[command(flatten)]
        list: ListArgs,
    },
    /// One incident: its record, figures per source, victims, testimonies, annotations.
    #[command(
        after_long_help = "Example:\n  temoin incident show --archive ./archive tin-aicha-2025-11-14"
    )]
    Show {
        /// The incident id, or its place name or title (accents and case ignored).
        id: String,
        #[command(flatten)]
        archive: SourceArg,
        /// As of an entry number or a UTC time (YYYY-MM-DD = end of that day).
        #[arg(long, value_name = "SEQ|TIME")]
        as_of: Option<String>,
        #[command(flatten)]
        grade: MinGrade,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl From<ProjectionError> for CliError {
    fn from(e: ProjectionError) -> CliError {
        match e {
            ProjectionError::Store(_) | ProjectionError::Corrupt { .. } => {
                CliError::failed(super::errors::projection(&e))
            }
            _ => CliError::usage(super::errors::projection(&e)),
        }
    }
}

impl From<DemoError> for CliError {
    fn from(e: DemoError) -> CliError {
        match e {
            DemoError::Exists(_) | DemoError::NotADemo(_) => CliError::usage(e.to_string()),
            _ => CliError::failed(e.to_string()),
        }
    }
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Incident(IncidentCommand::List {
            list:
                ListArgs {
                    archive,
                    as_of,
                    json,
                    csv,
                },
        }) => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json && !csv.csv, "incident list")?;
                    return r.print(&format!(
                        "/v1/incidents{}",
                        remote::query(&[("as_of", as_of.as_deref())])
                    ));
                }
            };
            let a = Archive::open_reader(&dir)?;
            let p = ArchiveViews::new(a.store());
            let upto = p.cut(parse_as_of(as_of.as_deref())?)?;
            // One summary at a time: a large archive's summaries do not
            // all fit in memory at once (~40 KB each).
            if csv.csv {
                let mut w = exports::writer(csv.excel)?;
                exports::row(&mut w, &exports::INCIDENT_COLUMNS.map(String::from))?;
                p.for_each_summary(upto, |s| exports::row(&mut w, &exports::incident_row(&s)))?;
                exports::finish(w)?;
            } else if json {
                print_incidents_json(&p, upto)?;
            } else {
                let line = as_of_line(&p, upto)?;
                let mut rows = Vec::new();
                p.for_each_summary(upto, |s| {
                    rows.push(incident_row(&s));
                    Ok::<(), CliError>(())
                })?;
                println!("{line}");
                print_incident_rows(rows);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Incident(IncidentCommand::Show {
            id,
            archive,
            as_of,
            grade,
            json,
        }) => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json, "incident show")?;
                    let min = grade.min_grade.map(|g| g.name());
                    return r.print(&remote::incident_path(
                        &id,
                        &remote::query(&[("as_of", as_of.as_deref()), ("min_grade", min)]),
                    ));
                }
            };
            let a = Archive::open_reader(&dir)?;
            let p = ArchiveViews::new(a.store());
            let upto = p.cut(parse_as_of(as_of.as_deref())?)?;
            let id = p.resolve(&id)?;
            let mut view = p.incident(&id, upto)?;
            if let Some(min) = grade.min_grade {
                view = view.with_min_grade(min);
            }
            if json {
                print_json(&view)?;
            } else {
                let names = author_names(&a);
                println!("{}", as_of_line(&p, upto)?);
                print_view(&view, &names);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Victims { list } => victims(&list),
        Command::Search {
            text,
            archive,
            as_of,
            json,
        } => match archive.source()? {
            Source::Local(dir) => search(&dir, &text, as_of.as_deref(), json),
            Source::Remote(r) => {
                remote::json_only(json, "search")?;
                r.print(&format!(
                    "/v1/search{}",
                    remote::query(&[("q", Some(text.as_str())), ("as_of", as_of.as_deref())])
                ))
            }
        },
        Command::History { id, archive, json } => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json, "history")?;
                    return r.print(&remote::incident_path(&id, "/history"));
                }
            };
            let a = Archive::open_reader(&dir)?;
            let p = ArchiveViews::new(a.store());
            // JSON stays in English, for the scripts that read it.
            let lang = if json { Lang::En } else { current() };
            let h = p.history_in(&id, lang)?;
            if json {
                print_json(&h)?;
            } else {
                print_history(&h, &author_names(&a));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Tally {
            archive,
            region,
            from,
            to,
            as_of,
            grade,
            json,
        } => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json, "tally")?;
                    let min = grade.min_grade.map(|g| g.name());
                    return r.print(&format!(
                        "/v1/tally{}",
                        remote::query(&[
                            ("region", region.as_deref()),
                            ("from", from.as_deref()),
                            ("to", to.as_deref()),
                            ("as_of", as_of.as_deref()),
                            ("min_grade", min),
                        ])
                    ));
                }
            };
            let a = Archive::open_reader(&dir)?;
            let p = ArchiveViews::new(a.store());
            let upto = p.cut(parse_as_of(as_of.as_deref())?)?;
            let filter = TallyFilter {
                region,
                from,
                to,
                min_grade: grade.min_grade,
            };
            let t = p.tally(&filter, upto)?;
            if json {
                print_json(&t)?;
            } else {
                print_tally(&t, &author_names(&a));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rebuild {
            archive,
            json,
            quiet,
        } => {
            let a = Archive::open(&archive.archive)?;
            let bar = progress(a.size(), "rebuild", quiet || json);
            let r = ArchiveViews::new(a.store()).rebuild(&mut |n| bar.set_position(n))?;
            bar.finish_and_clear();
            if json {
                print_json(&serde_json::json!({"matched": r.matched(), "report": r}))?;
            } else {
                let rate = r.entries as f64 / r.seconds.max(1e-9);
                println!(
                    "{}",
                    t!(
                        "rebuild-replayed",
                        entries = r.entries,
                        seconds = format!("{:.2}", r.seconds),
                        rate = format!("{rate:.0}"),
                        incidents = r.incidents,
                        claims = r.claims
                    )
                );
                if r.touch_mismatches.is_empty() {
                    println!("{}", t!("rebuild-touch-ok", n = r.touches));
                } else {
                    for m in &r.touch_mismatches {
                        println!(
                            "{}",
                            t!(
                                "rebuild-touch-differs",
                                incident = m.incident.clone(),
                                missing = format!("{:?}", m.missing),
                                extra = format!("{:?}", m.extra)
                            )
                        );
                    }
                }
                let mut line = t!(
                    "rebuild-summaries",
                    matched = r.views_matched,
                    stale = r.views_stale,
                    missing = r.views_missing,
                    differing = r.views_differing.len()
                );
                if !r.views_differing.is_empty() {
                    line.push_str(&format!(" ({})", r.views_differing.join(", ")));
                }
                println!("{line}");
                if !r.views_unknown.is_empty() {
                    println!(
                        "{}",
                        t!("rebuild-unknown", incidents = r.views_unknown.join(", "))
                    );
                }
                println!(
                    "{}",
                    if r.claims_index_ok {
                        t!("rebuild-claims-ok")
                    } else {
                        t!("rebuild-claims-differs")
                    }
                );
                println!("{}", t!("rebuild-rewritten"));
            }
            if r.matched() {
                if !json {
                    println!("{}", t!("rebuild-matches"));
                }
                Ok(ExitCode::SUCCESS)
            } else {
                Err(CliError::failed(
                    "rebuild: the stored projections did NOT match the log (the cache is now rewritten; run `temoin verify` to check the log itself)",
                ))
            }
        }
        Command::Demo {
            archive,
            force,
            json,
            quiet,
        } => {
            let bar = progress(0, "demo", quiet || json);
            let r = temoin::demo::run_with_progress(&archive, force, &mut |phase, done, total| {
                bar.set_message(phase);
                bar.set_length(total);
                bar.set_position(done);
            });
            bar.finish_and_clear();
            let r = r?;
            if json {
                print_json(&r)?;
            } else {
                print_demo(&r);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_as_of(s: Option<&str>) -> Result<Option<AsOf>, CliError> {
    Ok(match s {
        None => None,
        Some(s) => Some(s.parse::<AsOf>()?),
    })
}

fn as_of_line(p: &ArchiveViews<'_>, upto: u64) -> Result<String, CliError> {
    let size = p.size()?;
    if upto == 0 {
        return Ok(t!("as-of-nothing"));
    }
    let e = p.store().entry(upto - 1)?;
    let when = e.map(|e| format_ms(e.received_at)).unwrap_or_default();
    Ok(if upto >= size {
        t!("as-of-latest", seq = (upto - 1), when = when)
    } else {
        t!("as-of-earlier", seq = (upto - 1), when = when, size = size)
    })
}

/// Author public key (hex) → registry name.
fn author_names(a: &Archive) -> HashMap<String, String> {
    a.registry()
        .keys()
        .map(|r| (r.key.to_hex(), r.name.clone()))
        .collect()
}

fn who(names: &HashMap<String, String>, author: &str) -> String {
    names
        .get(author)
        .cloned()
        .unwrap_or_else(|| author.get(..12).unwrap_or(author).to_string())
}

fn src(s: &SourceRef) -> String {
    format!("#{} {}", s.seq, s.statement.short())
}

fn fig(f: Option<&Figure>) -> String {
    f.map(Figure::display).unwrap_or_else(|| "—".into())
}

fn short_place(i: &temoin::domain::Incident) -> String {
    match &i.place.commune {
        Some(c) if c != &i.place.name => format!("{} ({c})", i.place.name),
        _ => i.place.name.clone(),
    }
}

/// The date as far as it is known (`2025-11` for an unknown day, `2025`
/// for an unknown month), `~` when estimated.
fn when_short(w: &temoin::domain::When) -> String {
    let mut s = w.display();
    if w.precision == temoin::domain::DatePrecision::Estimated {
        s.push_str(" ~");
    }
    s
}

/// A value of the domain's vocabulary in the command line's language.
fn word_of<T: serde::Serialize>(domain: &str, x: &T) -> String {
    temoin::i18n::word(temoin::i18n::current(), domain, x)
}

/// A source's grade in a cell: `weak, medium (#18)`; each part with its
/// entry when they come from different annotations; `—` when ungraded.
fn grade_short(g: Option<&SourceGrade>) -> String {
    let Some(g) = g else { return "—".into() };
    match (&g.verification, &g.reliability) {
        (Some(v), Some(r)) if v.by == r.by => format!(
            "{}, {} (#{})",
            word_of("verification", &v.value),
            word_of("reliability", &r.value),
            v.by.seq
        ),
        (v, r) => [
            v.as_ref()
                .map(|m| format!("{} (#{})", word_of("verification", &m.value), m.by.seq)),
            r.as_ref().map(|m| {
                t!(
                    "grade-reliability-short",
                    value = word_of("reliability", &m.value),
                    seq = m.by.seq
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    }
}

/// `incident list --json`: the same JSON as `print_json` of
/// `{"as_of": …, "incidents": […]}` as a `serde_json::Value` (keys sorted,
/// two-space indents), printed one incident at a time.
fn print_incidents_json(p: &ArchiveViews<'_>, upto: u64) -> Result<(), CliError> {
    use std::io::Write;
    // Buffered: stdout alone writes each line (~700 MB of them at 1M
    // entries) with its own system call.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    temoin::content_json::write_incidents(p, upto, &mut out).map_err(|e| match e {
        temoin::content_json::WriteError::Projection(e) => CliError::from(e),
        e => CliError::failed(format!("cannot print JSON: {e}")),
    })?;
    out.flush()
        .map_err(|e| CliError::failed(format!("cannot print JSON: {e}")))
}

fn print_incidents(list: &[IncidentSummary]) {
    print_incident_rows(list.iter().map(incident_row).collect());
}

/// An incident's line in `incident list`: its sort key (the date) and cells.
fn incident_row(s: &IncidentSummary) -> (String, Vec<String>) {
    let (date, place) = match &s.incident {
        Some(i) => (when_short(&i.when), short_place(i)),
        None => ("?".into(), "?".into()),
    };
    let f = &s.figures;
    let status = match &s.merged_into {
        Some(into) => t!("list-merged-into", into = into.clone()),
        None if s.members.len() > 1 => t!("list-includes", members = s.members[1..].join(", ")),
        None => String::new(),
    };
    (
        date.clone(),
        vec![
            s.id.clone(),
            date,
            place,
            fig(f.dead.as_ref()),
            fig(f.injured.as_ref()),
            fig(f.missing.as_ref()),
            fig(f.women_dead.as_ref()),
            fig(f.children_dead.as_ref()),
            f.dead
                .as_ref()
                .map_or("—".into(), |d| d.sources.to_string()),
            {
                let mut n = s.testimonies.to_string();
                if s.retracted > 0 {
                    n.push(' ');
                    n.push_str(&t!("list-plus-retracted", n = s.retracted));
                }
                if s.compromised > 0 {
                    n.push(' ');
                    n.push_str(&t!("list-plus-compromised", n = s.compromised));
                }
                n
            },
            s.victims.to_string(),
            status,
        ],
    )
}

fn print_incident_rows(mut rows: Vec<(String, Vec<String>)>) {
    let count = rows.len();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.1).collect();
    let head = [
        t!("col-incident"),
        t!("col-date"),
        t!("col-place"),
        t!("col-dead"),
        t!("col-injured"),
        t!("col-missing"),
        t!("col-women"),
        t!("col-children"),
        t!("col-sources"),
        t!("col-testimonies"),
        t!("col-named"),
        String::new(),
    ];
    table_of(&head, &rows);
    println!("{}", t!("list-legend", n = count));
}

fn print_record(r: &RecordView, names: &HashMap<String, String>) {
    let i = &r.incident;
    let label = |id: &str| format!("  {:<11}", id);
    println!(
        "{}{}",
        label(&t!("record-label-record")),
        t!(
            "record-version",
            n = r.versions.len(),
            entry = src(&r.current),
            who = who(names, &r.current.author)
        )
    );
    println!("{}{}", label(&t!("record-label-type")), i.incident_type);
    println!(
        "{}{}",
        label(&t!("record-label-when")),
        format_when(&i.when, current())
    );
    println!(
        "{}{}",
        label(&t!("record-label-place")),
        format_place(&i.place, current())
    );
    if !i.description.is_empty() {
        println!("{}{}", label(&t!("record-label-about")), i.description);
    }
    for v in r.versions.iter().rev().skip(1) {
        println!(
            "{}{} ({})",
            label(&t!("record-label-earlier")),
            src(&v.source),
            format_ms(v.received_at)
        );
    }
    for v in r.versions.iter().skip(1) {
        if let Some(reason) = &v.reason {
            println!(
                "{}{}",
                label(&t!("record-label-amended")),
                t!(
                    "record-amended-because",
                    entry = src(&v.source),
                    reason = reason.clone()
                )
            );
        }
    }
    for a in &r.annotations {
        println!(
            "  {}",
            t!(
                "annotation-line",
                stance = stance(a.stance),
                who = who(names, &a.source.author),
                entry = src(&a.source),
                text = a.text.clone()
            )
        );
    }
}

fn print_view(v: &IncidentView, names: &HashMap<String, String>) {
    let title = v
        .record
        .as_ref()
        .map(|r| r.incident.title.clone())
        .unwrap_or_default();
    println!("\n{}", t!("show-title", id = v.id.clone(), title = title));
    println!(
        "  {}",
        t!("show-built-from", n = v.entries, last = v.last_seq)
    );
    if let Some(m) = &v.merged_into {
        println!(
            "  {}",
            t!(
                "show-merged-into",
                into = m.into.clone(),
                entry = src(&m.source),
                reason = m.reason.clone()
            )
        );
    }
    if let Some(r) = &v.record {
        print_record(r, names);
    }
    for m in &v.merged {
        println!(
            "  {}",
            t!(
                "show-includes",
                from = m.from.clone(),
                entry = src(&m.source),
                who = who(names, &m.source.author),
                reason = m.reason.clone()
            )
        );
    }
    for r in &v.merged_records {
        println!(
            "\n  {}",
            t!("show-merged-record", id = r.incident.id.clone())
        );
        print_record(r, names);
    }

    println!("\n{}", t!("show-figures"));
    if let Some(g) = &v.grade_filter {
        let min = word_of("verification", &g.min_grade);
        let left: Vec<String> = g
            .left_out
            .iter()
            .map(|l| {
                format!(
                    "{} ({})",
                    src(&l.source),
                    l.verification
                        .map_or_else(|| t!("show-ungraded"), |x| word_of("verification", &x))
                )
            })
            .collect();
        let mut line = t!(
            "tally-left-out",
            grade = min,
            n = g.left_out_count(),
            ungraded = g.ungraded,
            below = g.below
        );
        if !left.is_empty() {
            line.push_str(&t!("show-left-out-list", list = left.join(", ")));
        }
        println!("  {line}");
    }
    let mut rows = Vec::new();
    for name in FIGURE_NAMES {
        let Some(f) = v.figures.get(name) else {
            continue;
        };
        for (k, s) in f.per_source.iter().enumerate() {
            rows.push(vec![
                if k == 0 {
                    figure_name(name)
                } else {
                    String::new()
                },
                if k == 0 { f.display() } else { String::new() },
                if k == 0 {
                    format!("{} ({})", f.sources, t!("count-authors", n = f.authors))
                } else {
                    String::new()
                },
                count_display(s.count),
                src(&s.source),
                who(names, &s.source.author),
                relation(&s.relation),
                grade_short(s.grade.as_ref()),
                s.incident.clone(),
            ]);
        }
    }
    if rows.is_empty() {
        match &v.grade_filter {
            Some(g) => println!(
                "  {}",
                t!(
                    "show-no-graded-figure",
                    grade = word_of("verification", &g.min_grade)
                )
            ),
            None => println!("  {}", t!("show-no-figure")),
        }
    } else {
        let head = [
            t!("col-figure"),
            t!("col-range"),
            t!("col-sources"),
            t!("col-says"),
            t!("col-from"),
            t!("col-author"),
            t!("col-relation"),
            t!("col-grade"),
            t!("col-about"),
        ];
        table_of(&head, &rows);
    }
    print_facts(v, names);

    if !v.victims.is_empty() {
        println!("\n{}", t!("show-victims", n = v.victims.len()));
        let rows: Vec<Vec<String>> = v
            .victims
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    x.sex.map(|s| word_of("sex", &s)).unwrap_or("?".into()),
                    x.age.map(count_display).unwrap_or("—".into()),
                    x.age_group
                        .map(|g| word_of("age-group", &g))
                        .unwrap_or("—".into()),
                    x.status
                        .map(|s| word_of("status", &s))
                        .unwrap_or("?".into()),
                    x.acts
                        .iter()
                        .map(|a| word_of("act", a))
                        .collect::<Vec<_>>()
                        .join(", "),
                    x.mentions
                        .first()
                        .and_then(|m| m.victim.relation.clone())
                        .unwrap_or_default(),
                    x.mentions
                        .iter()
                        .map(
                            |m| match m.grade.as_ref().and_then(SourceGrade::verification) {
                                Some(g) => {
                                    format!("{} ({})", src(&m.source), word_of("verification", &g))
                                }
                                None => src(&m.source),
                            },
                        )
                        .collect::<Vec<_>>()
                        .join(", "),
                    if x.conflict {
                        "⚠".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        let head = [
            t!("col-name"),
            t!("col-sex"),
            t!("col-age"),
            t!("col-group"),
            t!("col-status"),
            t!("col-acts"),
            t!("col-relation"),
            t!("col-sources"),
            String::new(),
        ];
        table_of(&head, &rows);
    }

    let counted = v.testimonies.iter().filter(|t| t.is_active()).count();
    println!(
        "\n{}",
        t!(
            "show-testimonies",
            counted = counted,
            not = (v.testimonies.len() - counted)
        )
    );
    for t in &v.testimonies {
        let status = match &t.status {
            TestimonyStatus::Active => t!("show-counted"),
            TestimonyStatus::Retracted { by, reason } => {
                t!("show-retracted", entry = src(by), reason = reason.clone())
            }
            TestimonyStatus::Elsewhere { incidents } => {
                t!("show-elsewhere", incidents = incidents.join(", "))
            }
            TestimonyStatus::Compromised {
                revoked_at,
                effective_at,
            } => {
                let by: u64 = *revoked_at;
                t!(
                    "show-compromised",
                    since = format_ms(*effective_at),
                    by = by
                )
            }
        };
        let source = if t.source.description.is_empty() {
            relation(&t.source.relation)
        } else {
            t!(
                "relation-described",
                relation = relation(&t.source.relation),
                description = t.source.description.clone()
            )
        };
        println!(
            "  {}",
            t!(
                "show-testimony",
                entry = src(&t.current),
                who = who(names, &t.current.author),
                source = source,
                language = t.language.clone(),
                status = status
            )
        );
        if t.grade.is_some() {
            println!(
                "      {}",
                t!("show-graded", grade = grade_short(t.grade.as_ref()))
            );
        }
        if let Some(o) = &t.amends_outside {
            println!("      {}", t!("show-amends-outside", statement = o.short()));
        }
        for (k, ver) in t.versions.iter().enumerate() {
            let parts: Vec<String> = ver
                .parts
                .iter()
                .map(|p| match &p.redacted {
                    Some(r) => t!(
                        "show-part-erased",
                        label = p.label.clone(),
                        entry = src(&r.by),
                        reason = r.reason.clone()
                    ),
                    None => format!("{} ({})", p.label, t!("count-bytes", n = p.length)),
                })
                .collect();
            println!(
                "      {}",
                t!(
                    "show-version",
                    n = (k + 1),
                    entry = src(&ver.source),
                    received = format_ms(ver.received_at),
                    parts = parts.join(", ")
                )
            );
            if let Some(r) = &ver.reason {
                println!(
                    "         {}",
                    t!("show-amended-because", reason = r.clone())
                );
            }
            if let Some(c) = &ver.signed_after_compromise {
                println!(
                    "         {}",
                    t!(
                        "show-version-compromised",
                        since = format_ms(c.effective_at),
                        by = c.revoked_at
                    )
                );
            }
        }
        for a in &t.annotations {
            println!(
                "      {}{}",
                t!(
                    "annotation-on-line",
                    stance = stance(a.stance),
                    who = who(names, &a.source.author),
                    entry = src(&a.source),
                    on = a.on.short(),
                    text = a.text.clone()
                ),
                grade_given(a.grade.as_ref())
            );
        }
    }
    if !v.claims.is_empty() {
        println!("\n{}", t!("show-claims"));
        for c in &v.claims {
            println!(
                "  {} by {}: « {} »{}{}",
                src(&c.source),
                who(names, &c.source.author),
                c.claim.text,
                if c.grade.is_some() {
                    format!(
                        " [{}]",
                        t!("show-graded", grade = grade_short(c.grade.as_ref()))
                    )
                } else {
                    String::new()
                },
                if c.signed_after_compromise.is_some() {
                    format!(" [{}]", t!("show-claim-compromised"))
                } else {
                    String::new()
                }
            );
        }
    }
    for a in &v.other_annotations {
        println!(
            "  {}",
            t!(
                "annotation-on-line",
                stance = stance(a.stance),
                who = who(names, &a.source.author),
                entry = src(&a.source),
                on = a.on.short(),
                text = a.text.clone()
            )
        );
    }
    if !v.signed_after_compromise.is_empty() {
        println!("\n{}", t!("show-compromised-head"));
        for c in &v.signed_after_compromise {
            println!(
                "  {}",
                t!(
                    "show-compromised-line",
                    entry = src(&c.source),
                    kind = c.kind.to_string(),
                    who = who(names, &c.source.author),
                    since = format_ms(c.compromise.effective_at),
                    by = c.compromise.revoked_at
                )
            );
        }
    }
    println!("\n{}", t!("show-legend"));
}

/// " [grade: verification weak, reliability medium]" after an annotation
/// that grades.
fn grade_given(g: Option<&temoin::domain::Grade>) -> String {
    let Some(g) = g else { return String::new() };
    let parts: Vec<String> = [
        g.verification.map(|v| {
            t!(
                "grade-verification-word",
                value = word_of("verification", &v)
            )
        }),
        g.reliability
            .map(|r| t!("grade-reliability-word", value = word_of("reliability", &r))),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!(" [{}]", t!("grade-given", parts = parts.join(", ")))
}

/// Where a perpetrator or a means comes from, in a cell: the record, or
/// the testimony's relation.
fn fact_from(f: &temoin::projection::facts::FactSource) -> String {
    if f.record {
        t!("fact-incident-record")
    } else {
        f.relation.as_ref().map(relation).unwrap_or_default()
    }
}

/// Perpetrators, means and data conflicts, shown as the figures are:
/// every source on its own row, ⚠ where they disagree.
fn print_facts(v: &IncidentView, names: &HashMap<String, String>) {
    if !v.perpetrators.is_empty() {
        println!("\n{}", t!("show-perpetrators"));
        let mut rows = Vec::new();
        for p in &v.perpetrators {
            for (k, s) in p.per_source.iter().enumerate() {
                let first = k == 0;
                rows.push(vec![
                    if first { p.name.clone() } else { String::new() },
                    if first {
                        let mut a = p
                            .attributions
                            .iter()
                            .map(|a| word_of("attribution", a))
                            .collect::<Vec<_>>()
                            .join("/");
                        if p.conflict {
                            a.push_str(" ⚠");
                        }
                        a
                    } else {
                        String::new()
                    },
                    if first {
                        format!("{} ({})", p.sources, t!("count-authors", n = p.authors))
                    } else {
                        String::new()
                    },
                    word_of("attribution", &s.attribution),
                    word_of("kind", &s.kind),
                    src(&s.from.source),
                    who(names, &s.from.source.author),
                    fact_from(&s.from),
                    grade_short(s.from.grade.as_ref()),
                    s.from.incident.clone(),
                ]);
            }
        }
        let head = [
            t!("col-perpetrator"),
            t!("col-attribution"),
            t!("col-sources"),
            t!("col-says"),
            t!("col-kind"),
            t!("col-from"),
            t!("col-author"),
            t!("col-relation"),
            t!("col-grade"),
            t!("col-about"),
        ];
        table_of(&head, &rows);
    }
    if !v.means.is_empty() {
        println!("\n{}", t!("show-means"));
        let mut rows = Vec::new();
        for m in &v.means {
            for (k, s) in m.per_source.iter().enumerate() {
                rows.push(vec![
                    if k == 0 {
                        word_of("means", &m.kind)
                    } else {
                        String::new()
                    },
                    s.model.clone().unwrap_or_else(|| "—".into()),
                    src(&s.from.source),
                    who(names, &s.from.source.author),
                    fact_from(&s.from),
                    grade_short(s.from.grade.as_ref()),
                    s.from.incident.clone(),
                ]);
            }
        }
        let head = [
            t!("col-means"),
            t!("col-model"),
            t!("col-from"),
            t!("col-author"),
            t!("col-relation"),
            t!("col-grade"),
            t!("col-about"),
        ];
        table_of(&head, &rows);
    }
    if !v.data_conflicts.is_empty() {
        println!("\n{}", t!("show-data-conflicts"));
        for c in &v.data_conflicts {
            let what = if temoin::i18n::current() == temoin::i18n::Lang::En {
                c.text.clone()
            } else {
                t!(
                    "data-conflict-figures",
                    figures = c
                        .figures
                        .iter()
                        .map(|f| figure_name(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            println!(
                "  ⚠ {}",
                t!(
                    "show-data-conflict",
                    entry = src(&c.source),
                    who = who(names, &c.source.author),
                    incident = c.incident.clone(),
                    what = what
                )
            );
        }
    }
}

fn stance(s: temoin::domain::Stance) -> String {
    word_of("stance", &s)
}

fn relation(r: &temoin::domain::Relation) -> String {
    word_of("relation", r)
}

/// A figure's name (`women_dead`) in the command line's language.
fn figure_name(key: &str) -> String {
    match key {
        "dead" => t!("figure-dead"),
        "injured" => t!("figure-injured"),
        "missing" => t!("figure-missing"),
        "women_dead" => t!("figure-women-dead"),
        "children_dead" => t!("figure-children-dead"),
        "women_and_children_dead" => t!("figure-women-and-children-dead"),
        other => other.replace('_', " "),
    }
}

fn print_history(h: &History, names: &HashMap<String, String>) {
    println!(
        "{}",
        t!(
            "history-head",
            kind = h.kind.to_string(),
            subject = h.subject.clone(),
            n = h.steps.len()
        )
    );
    for s in &h.steps {
        println!(
            "\n#{} {}  {}  {}  {}",
            s.seq,
            s.statement.short(),
            format_ms(s.received_at),
            who(names, &s.author),
            s.kind
        );
        println!("  {}", s.what);
        if s.changes.is_empty() {
            println!("    {}", t!("history-no-change"));
        }
        for c in &s.changes {
            println!("    · {c}");
        }
    }
}

/// Women and children among the dead, as a claim gives them apart.
fn derived(d: &temoin::projection::tally::Derived) -> String {
    t!(
        "tally-derived",
        women = count_display(d.women),
        children = count_display(d.children)
    )
}

fn tally_rows(rows: &[TallyRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let f = &r.figures;
            vec![
                r.id.clone(),
                r.when_display(),
                r.place.clone(),
                fig(f.dead.as_ref()),
                fig(f.injured.as_ref()),
                fig(f.women_dead.as_ref()),
                fig(f.children_dead.as_ref()),
            ]
        })
        .collect()
}

fn print_tally(t: &Tally, names: &HashMap<String, String>) {
    let f = &t.filter;
    let mut head = t!(
        "tally-head",
        region = f.region.clone().unwrap_or_else(|| t!("tally-any-region")),
        from = f.from.clone().unwrap_or_else(|| t!("tally-beginning")),
        to = f.to.clone().unwrap_or_else(|| t!("tally-now")),
        seq = t.as_of
    );
    if let Some(m) = f.min_grade {
        head.push_str(&t!(
            "tally-head-min-grade",
            grade = word_of("verification", &m)
        ));
    }
    println!("{head}");
    let mut rows = tally_rows(&t.incidents);
    let tot = |n: &str| t.total(n).map(|x| x.display()).unwrap_or_default();
    rows.push(vec![
        t!("tally-total", n = t.incidents.len()),
        String::new(),
        String::new(),
        tot("dead"),
        tot("injured"),
        tot("women_dead"),
        tot("children_dead"),
    ]);
    let head = [
        t!("col-incident"),
        t!("col-date"),
        t!("col-place"),
        t!("col-dead"),
        t!("col-injured"),
        t!("col-women"),
        t!("col-children"),
    ];
    table_of(&head, &rows);
    if let Some(wc) = t.total("women_and_children_dead") {
        println!("{}", t!("tally-women-children", total = wc.display()));
    }
    if let (Some(min), Some(left)) = (f.min_grade, t.left_out()) {
        println!(
            "{}",
            t!(
                "tally-left-out",
                grade = word_of("verification", &min),
                n = (left.ungraded + left.below),
                ungraded = left.ungraded,
                below = left.below
            )
        );
    }
    for tot in &t.totals {
        if !tot.without.is_empty() && !tot.incidents.is_empty() {
            println!(
                "  {}",
                t!(
                    "tally-no-figure",
                    figure = figure_name(&tot.figure),
                    incidents = tot.without.join(", ")
                )
            );
        }
        if !tot.partial.is_empty() {
            println!(
                "  {}",
                t!(
                    "tally-partial",
                    figure = figure_name(&tot.figure),
                    incidents = tot.partial.join(", ")
                )
            );
        }
    }
    if t.claims.is_empty() {
        println!("\n{}", t!("tally-no-claim"));
    } else {
        println!("\n{}", t!("tally-claims-head"));
    }
    for r in &t.claims {
        let c = &r.claim;
        println!("\n« {} »", c.claim.text);
        let source = if c.claim.source.description.is_empty() {
            relation(&c.claim.source.relation)
        } else {
            t!(
                "relation-described",
                relation = relation(&c.claim.source.relation),
                description = c.claim.source.description.clone()
            )
        };
        println!(
            "  {}",
            t!(
                "tally-claimed-at",
                entry = src(&c.source),
                who = who(names, &c.source.author),
                source = source
            )
        );
        println!(
            "  {}",
            t!(
                "tally-scope",
                rule = if c.claim.incidents.is_empty() {
                    match &c.claim.region {
                        Some(region) => t!(
                            "tally-scope-window-region",
                            region = region.clone(),
                            from = c.claim.from.clone(),
                            to = c.claim.to.clone()
                        ),
                        None => t!(
                            "tally-scope-window",
                            from = c.claim.from.clone(),
                            to = c.claim.to.clone()
                        ),
                    }
                } else {
                    t!("tally-scope-named")
                },
                incidents = r.scope.join(", ")
            )
        );
        let rows: Vec<Vec<String>> = r
            .rows
            .iter()
            .map(|x| {
                vec![
                    figure_name(&x.figure),
                    match &x.derived {
                        Some(d) => format!("{} (= {})", count_display(x.claimed), derived(d)),
                        None => count_display(x.claimed),
                    },
                    x.records.display(),
                    format!(
                        "{}/{}",
                        x.records.incidents.len(),
                        x.records.incidents.len() + x.records.without.len()
                    ),
                    x.difference_display(),
                    if x.agrees {
                        t!("tally-agrees")
                    } else {
                        t!("tally-differs")
                    },
                    x.records
                        .sources
                        .iter()
                        .map(src)
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        let head = [
            format!("  {}", t!("col-figure")),
            t!("col-claimed"),
            t!("col-records"),
            t!("col-incidents"),
            t!("col-difference"),
            String::new(),
            t!("col-records-sources"),
        ];
        table(
            &head.iter().map(String::as_str).collect::<Vec<_>>(),
            &rows
                .into_iter()
                .map(|mut r| {
                    r[0] = format!("  {}", r[0]);
                    r
                })
                .collect::<Vec<_>>(),
        );
        for a in &c.annotations {
            println!(
                "  {}",
                t!(
                    "annotation-line",
                    stance = stance(a.stance),
                    who = who(names, &a.source.author),
                    entry = src(&a.source),
                    text = a.text.clone()
                )
            );
        }
    }
    if !t.disagreements.is_empty() {
        println!("\n{}", t!("tally-disagreements"));
        for d in &t.disagreements {
            let vals: Vec<String> = d
                .values
                .iter()
                .map(|v| match &v.derived {
                    Some(x) => format!(
                        "{} = {} ({})",
                        count_display(v.claimed),
                        derived(x),
                        src(&v.source)
                    ),
                    None => format!("{} ({})", count_display(v.claimed), src(&v.source)),
                })
                .collect();
            println!(
                "  {}",
                t!(
                    "tally-disagreement",
                    figure = figure_name(&d.figure),
                    from = d.from.clone(),
                    to = d.to.clone(),
                    values = vals.join(&t!("tally-versus"))
                )
            );
        }
    }
}

fn print_demo(r: &DemoReport) {
    println!("{}", t!("demo-banner"));
    println!(
        "{}",
        t!(
            "demo-archive",
            dir = r.dir.display().to_string(),
            origin = r.origin.clone(),
            vkey = r.checkpoint_vkey.clone()
        )
    );
    println!("{}\n", t!("demo-source", file = temoin::demo::ARTICLE_FILE));
    let rows: Vec<Vec<String>> = r
        .steps
        .iter()
        .map(|s| {
            vec![
                s.seq.to_string(),
                s.kind.to_string(),
                s.author.clone(),
                s.statement.short(),
                s.label.clone(),
            ]
        })
        .collect();
    let head = [
        t!("col-entry"),
        t!("col-kind"),
        t!("col-author"),
        t!("col-statement"),
        t!("col-step"),
    ];
    table_of(&head, &rows);
    let a = &r.audit;
    println!(
        "\n{}",
        t!(
            "demo-verified",
            entries = t!("count-entries", n = a.entries),
            authors = t!("count-authors", n = a.authors),
            parts = t!("count-parts", n = a.parts),
            checkpoints = t!("count-checkpoints", n = a.checkpoints)
        )
    );
    for x in &a.redacted {
        println!(
            "  {}",
            t!(
                "demo-redacted",
                label = format!("{:?}", x.label),
                seq = x.seq,
                by = x.by_seq
            )
        );
    }
    println!("\n{}", t!("demo-incidents"));
    print_incidents(&r.incidents);
    let names: HashMap<String, String> = r.authors.clone().into_iter().collect();
    print_demo_perpetrators(&r.incidents, &names);
    println!();
    print_tally(&r.tally, &names);
    let rt = &r.region_tally;
    let outside: Vec<String> = rt
        .incidents
        .iter()
        .filter(|i| !r.tally.incidents.iter().any(|j| j.id == i.id))
        .map(|i| format!("{} ({})", i.id, i.when_display()))
        .collect();
    let dead = rt.total("dead").map(|t| t.display()).unwrap_or_default();
    let line = if outside.is_empty() {
        t!(
            "demo-region",
            region = temoin::demo::REGION,
            dead = dead,
            n = rt.incidents.len()
        )
    } else {
        t!(
            "demo-region-outside",
            region = temoin::demo::REGION,
            dead = dead,
            n = rt.incidents.len(),
            outside = outside.join(", ")
        )
    };
    println!("\n{line}");
    let d = r.dir.display();
    println!("\n{}", t!("demo-read-further"));
    println!("  temoin incident show tangata --archive {d}");
    println!("  temoin history tangata-2025-11-13 --archive {d}");
    println!("  temoin incident list --archive {d} --as-of 10");
    println!("  temoin incident show eghachar --archive {d} --min-grade weak");
    println!(
        "  temoin tally --archive {d} --region Tombouctou --from {} --to {}",
        temoin::demo::FROM,
        temoin::demo::TO
    );
}

/// Every alleged perpetrator over the incidents, once: attribution, kind,
/// the incidents, and the entries (with their grades) that allege it.
fn print_demo_perpetrators(list: &[IncidentSummary], names: &HashMap<String, String>) {
    // (name, attributions/kinds text, incidents, sources)
    let mut seen: Vec<(String, String, Vec<String>, Vec<String>)> = Vec::new();
    for s in list {
        for p in &s.perpetrators {
            let what = format!(
                "{}, {}{}",
                p.attributions
                    .iter()
                    .map(|a| word_of("attribution", a))
                    .collect::<Vec<_>>()
                    .join("/"),
                p.kinds
                    .iter()
                    .map(|k| word_of("kind", k))
                    .collect::<Vec<_>>()
                    .join("/"),
                if p.conflict { " ⚠" } else { "" }
            );
            let key = temoin::projection::matching::search_key(&p.name);
            let i = match seen
                .iter()
                .position(|x| temoin::projection::matching::search_key(&x.0) == key)
            {
                Some(i) => i,
                None => {
                    seen.push((p.name.clone(), what.clone(), Vec::new(), Vec::new()));
                    seen.len() - 1
                }
            };
            let entry = &mut seen[i];
            if entry.1 != what && !entry.1.contains(&what) {
                entry.1.push_str(&format!("; {what}"));
            }
            entry.2.push(s.id.clone());
            for x in &p.per_source {
                let from = t!(
                    "demo-perpetrator-from",
                    entry = src(&x.from.source),
                    who = who(names, &x.from.source.author),
                    grade = grade_short(x.from.grade.as_ref())
                );
                if !entry.3.contains(&from) {
                    entry.3.push(from);
                }
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    println!("\n{}", t!("demo-perpetrators"));
    for (name, what, incidents, sources) in seen {
        println!(
            "  {}",
            t!(
                "demo-perpetrator",
                name = name,
                what = what,
                n = incidents.len(),
                sources = sources.join("; ")
            )
        );
    }
}

/// Each incident's view as of `upto`, merged incidents read in the one they
/// were merged into.
/// `temoin victims`: every named victim, by incident.
fn victims(list: &ListArgs) -> CliResult {
    let (json, csv) = (list.json, &list.csv);
    let dir = match list.archive.source()? {
        Source::Local(dir) => dir,
        Source::Remote(r) => {
            remote::json_only(json && !csv.csv, "victims")?;
            return r.print(&format!(
                "/v1/victims{}",
                remote::query(&[("as_of", list.as_of.as_deref())])
            ));
        }
    };
    let a = Archive::open_reader(&dir)?;
    let p = ArchiveViews::new(a.store());
    let upto = p.cut(parse_as_of(list.as_of.as_deref())?)?;
    let rows = temoin::content_json::victim_rows(&p, upto)?;
    if csv.csv {
        let mut w = exports::writer(csv.excel)?;
        exports::row(&mut w, &exports::VICTIM_COLUMNS.map(String::from))?;
        for (id, v) in &rows {
            exports::row(&mut w, &exports::victim_row(id, v))?;
        }
        return exports::finish(w).map(|()| ExitCode::SUCCESS);
    }
    if json {
        print_json(&temoin::content_json::victims(&rows, upto))?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", as_of_line(&p, upto)?);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(id, v)| {
            let r = exports::victim_row(id, v);
            let age = match (&r[4], &r[5]) {
                (a, b) if a == b => a.clone(),
                (a, b) => format!("{a}–{b}"),
            };
            // The cells of the CSV row, in the table as words of the
            // language (the CSV keeps the data's values).
            let say = |domain: &str, value: &str| -> String {
                if value.is_empty() {
                    String::new()
                } else {
                    word_of(domain, &value)
                }
            };
            let status = if v.conflict {
                format!("{} ⚠", say("status", &r[6]))
            } else {
                say("status", &r[6])
            };
            let acts: Vec<String> = r[13].split_whitespace().map(|a| say("act", a)).collect();
            vec![
                r[1].clone(),
                id.clone(),
                status,
                acts.join(", "),
                say("sex", &r[3]),
                age,
                say("age-group", &r[12]),
                r[10].clone(),
            ]
        })
        .collect();
    let head = [
        t!("col-name"),
        t!("col-incident"),
        t!("col-status"),
        t!("col-acts"),
        t!("col-sex"),
        t!("col-age"),
        t!("col-group"),
        t!("col-entries"),
    ];
    table_of(&head, &cells);
    println!("{}", t!("victims-legend", n = cells.len()));
    Ok(ExitCode::SUCCESS)
}

/// A search key: folded (accents, case), with hyphens, apostrophes and
/// underscores read as spaces, spaces collapsed (shared with the
/// projection, which merges perpetrators' names by it).
fn search_key(s: &str) -> String {
    temoin::projection::matching::search_key(s)
}

/// `temoin search TEXT`.
fn search(dir: &std::path::Path, text: &str, as_of: Option<&str>, json: bool) -> CliResult {
    let q = search_key(text);
    if q.is_empty() {
        return Err(CliError::usage(
            "search: give something to look for (a name, a place, an incident id)",
        ));
    }
    let a = Archive::open_reader(dir)?;
    let p = ArchiveViews::new(a.store());
    let upto = p.cut(parse_as_of(as_of)?)?;
    let hits = temoin::content_json::search(&p, upto, &q)?;
    if json {
        print_json(&hits)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cells: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            let seqs: Vec<String> = h.entries.iter().map(u64::to_string).collect();
            vec![
                word_of("search-kind", &h.kind),
                h.incident.clone(),
                word_of("search-field", &h.field),
                h.text.clone(),
                seqs.join(" "),
            ]
        })
        .collect();
    let head = [
        t!("col-found"),
        t!("col-incident"),
        t!("col-field"),
        t!("col-text"),
        t!("col-entries"),
    ];
    table_of(&head, &cells);
    println!(
        "{}",
        t!("search-legend", n = cells.len(), text = format!("{text:?}"))
    );
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
