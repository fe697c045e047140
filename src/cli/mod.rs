//! The command line's pieces, one module per area. Each module defines its
//! clap subcommands and runs them through the library; nothing here decides
//! anything about the archive.

pub mod access;
pub mod attach;
pub mod bench;
pub mod core;
pub mod domain;
pub mod errors;
pub mod evidence;
pub mod exports;
pub mod habits;
pub mod lang;
pub use temoin::explain::refusal;
pub mod remote;
pub mod sealed;
pub mod secret;
pub mod server;
pub use temoin::explain::verdict;
pub mod tiles;
pub mod timestamp;
pub mod witness;

use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use temoin::t;

/// An error to print, with the process exit code.
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl CliError {
    /// Exit 1: a refusal or a failed verification.
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
    /// The same error, saying which input file it is about.
    pub fn in_file(self, path: &std::path::Path) -> CliError {
        CliError {
            code: self.code,
            message: format!("{}: {}", path.display(), self.message),
        }
    }
    /// Exit 2: the command was given something unusable.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
}

macro_rules! usage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> CliError { CliError::usage(e.to_string()) }
        }
    )*};
}
usage_from!(temoin::keys::KeyError, temoin::statement::BodyError);

impl From<temoin::compose::ComposeError> for CliError {
    fn from(e: temoin::compose::ComposeError) -> CliError {
        CliError::usage(refusal::compose(temoin::i18n::current(), &e))
    }
}

impl From<temoin::ArchiveError> for CliError {
    fn from(e: temoin::ArchiveError) -> CliError {
        use temoin::ArchiveError as E;
        if let E::Locked(dir) = &e {
            if let Some(url) = temoin_server::served_at(dir) {
                return CliError::failed(temoin::t!(
                    "archive-served",
                    dir = dir.display().to_string(),
                    url = url
                ));
            }
        }
        match e {
            E::NotAnArchive(_)
            | E::AlreadyExists(_)
            | E::BadOrigin(_)
            | E::Key(_)
            | E::ProtectedCheckpointKey(_) => CliError::usage(errors::archive(&e)),
            _ => CliError::failed(errors::archive(&e)),
        }
    }
}

impl From<temoin::attachment::AttachError> for CliError {
    fn from(e: temoin::attachment::AttachError) -> CliError {
        use temoin::attachment::AttachError as E;
        match e {
            E::Label { .. } | E::TooLarge { .. } | E::Read { .. } | E::Body(_) => {
                CliError::usage(e.to_string())
            }
            _ => CliError::failed(e.to_string()),
        }
    }
}

impl From<temoin::store::StoreError> for CliError {
    fn from(e: temoin::store::StoreError) -> CliError {
        CliError::failed(errors::store(&e))
    }
}

impl From<temoin::store::LookupError> for CliError {
    fn from(e: temoin::store::LookupError) -> CliError {
        use temoin::store::LookupError as E;
        match e {
            // The user named too little: say more (exit 2), as for a typo.
            E::Ambiguous { .. } => CliError::usage(errors::lookup(&e)),
            _ => CliError::failed(errors::lookup(&e)),
        }
    }
}

/// A hash prefix typed for `what` (e.g. "--statement"), or why it is not one.
pub fn hash_prefix(typed: &str, what: &str) -> Result<temoin::hash::HashPrefix, CliError> {
    temoin::hash::HashPrefix::parse(typed).map_err(|e| CliError::usage(format!("{what}: {e}")))
}

/// The statement `typed` (its hash, or at least 8 of its first hex
/// digits) names in the archive's statement index, for `what`.
pub fn find_statement(
    store: &temoin::store::Store,
    typed: &str,
    what: &str,
) -> Result<(temoin::Digest, temoin::rules::StatementInfo), CliError> {
    let p = hash_prefix(typed, what)?;
    store.find_statement(&p).map_err(|e| {
        let e = CliError::from(e);
        CliError {
            code: e.code,
            message: format!("{what}: {}", e.message),
        }
    })
}

pub type CliResult = Result<std::process::ExitCode, CliError>;

/// The archive directory: `--archive DIR` or `TEMOIN_ARCHIVE`.
#[derive(clap::Args, Debug, Clone)]
pub struct ArchiveArg {
    /// The archive directory (or set TEMOIN_ARCHIVE).
    #[arg(long, env = "TEMOIN_ARCHIVE", value_name = "DIR")]
    pub archive: PathBuf,
}

pub fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::usage(errors::cannot_read(what, path, &e)))
}

/// Read an input file, or standard input for `-` (at most `limit` bytes
/// of it: what a file's size would have told).
pub fn read_input(path: &std::path::Path, what: &str, limit: u64) -> Result<Vec<u8>, CliError> {
    if !habits::is_stdio(path) {
        return read_file(path, what);
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), limit.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| {
        CliError::usage(t!(
            "cli-cannot-read-stdin",
            what = errors::file_noun(what),
            error = errors::io(&e)
        ))
    })?;
    if bytes.len() as u64 > limit {
        return Err(CliError::usage(t!(
            "cli-stdin-over-limit",
            what = errors::file_noun(what),
            limit = limit.to_string()
        )));
    }
    Ok(bytes)
}

/// Write an output file whole or not at all (a receipt, bundle, report or
/// proof cut short by a crash must not be left torn), durably.
pub fn write_file(path: &std::path::Path, bytes: &[u8], what: &str) -> Result<(), CliError> {
    temoin::durable::write_atomic(path, bytes, 0o644)
        .map_err(|e| CliError::failed(errors::cannot_write(what, path, &e.source)))
}

/// A time as CLI JSON writes it ([`temoin::content_json::rfc3339`]).
pub use temoin::content_json::rfc3339;

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let s = temoin::content_json::to_text(value)
        .map_err(|e| CliError::failed(format!("cannot print JSON: {e}")))?;
    println!("{s}");
    Ok(())
}

/// A progress bar on a terminal; hidden when stderr is not a terminal or
/// with `--quiet`.
pub fn progress(len: u64, what: &str, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(
        "{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

/// `table` with a header of the catalogue's words.
pub fn table_of(header: &[String], rows: &[Vec<String>]) {
    table(&header.iter().map(String::as_str).collect::<Vec<_>>(), rows);
}

/// Print rows as an aligned table (columns padded by character count, so
/// "Émimalane" lines up with "Aratane").
///
/// On a terminal the table fits its width: the widest columns (the free
/// text: names, places, reasons) are cut with "…". Piped, every cell is
/// whole, so that the output stays parseable.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let width = std::io::stdout()
        .is_terminal()
        .then(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, cols)| cols as usize)
        })
        .flatten();
    print!("{}", render_table(header, rows, width));
}

/// `s` cut to at most `width` columns, ending with "…" if it was cut.
fn fit(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A cell as a terminal shows it on one line: control characters (a
/// newline, an escape sequence in a hostile name) escaped, never obeyed.
fn cell(c: &str) -> std::borrow::Cow<'_, str> {
    if c.chars().any(char::is_control) {
        c.chars()
            .map(|ch| {
                if ch.is_control() {
                    ch.escape_default().to_string()
                } else {
                    ch.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        c.into()
    }
}

/// Columns aligned by displayed width (a decomposed accent takes none, a
/// CJK character two), two spaces apart, trailing spaces trimmed.
/// With `max`, the widest free-text columns are narrowed (to no less than
/// 12 columns or their header) until the table fits, their cells cut.
fn render_table(header: &[&str], rows: &[Vec<String>], max: Option<usize>) -> String {
    use unicode_width::UnicodeWidthStr;
    let header: Vec<_> = header.iter().map(|h| cell(h)).collect();
    let rows: Vec<Vec<_>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cell(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    if let Some(max) = max {
        // Only free text is cut — a column wider than 16 where some cell has
        // a second word that begins with a letter (names, places, titles,
        // reasons); ids, dates and their ranges ("2025-11-13 → 14"),
        // figures and hashes stay whole.
        let words = |c: &str| {
            c.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.chars().next().is_some_and(char::is_alphabetic))
        };
        let free: Vec<bool> = (0..widths.len())
            .map(|i| widths[i] > 16 && rows.iter().any(|r| r.get(i).is_some_and(|c| words(c))))
            .collect();
        let floor: Vec<usize> = header
            .iter()
            .zip(&widths)
            .zip(&free)
            .map(|((h, &w), &f)| if f { h.width().max(12) } else { w })
            .collect();
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        while total(&widths) > max {
            let Some((i, _)) = widths
                .iter()
                .enumerate()
                .filter(|(i, w)| **w > floor[*i])
                .max_by_key(|(_, w)| **w)
            else {
                break;
            };
            widths[i] -= 1;
        }
    }
    let rows: Vec<Vec<std::borrow::Cow<'_, str>>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(i, c)| match widths.get(i) {
                    Some(&w) if c.width() > w => fit(&c, w).into(),
                    _ => c,
                })
                .collect()
        })
        .collect();
    let mut out = String::new();
    for cells in std::iter::once(&header).chain(&rows) {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                let w = widths.get(i).copied().unwrap_or(0);
                s.extend(std::iter::repeat_n(' ', w.saturating_sub(c.width()) + 2));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render_table;

    #[test]
    fn columns_align_by_displayed_width_and_control_characters_are_escaped() {
        let rows = vec![
            vec!["E\u{301}mimalane".to_string(), "1".to_string()],
            vec!["Eghachar N'Tirikene".to_string(), "2".to_string()],
            vec!["证人".to_string(), "3".to_string()],
            vec!["a\nb\u{1b}[2J".to_string(), "4".to_string()],
        ];
        let t = render_table(&["lieu", "n"], &rows, None);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        // Every second column starts at the same displayed column.
        let starts: Vec<usize> = lines
            .iter()
            .map(|l| {
                unicode_width::UnicodeWidthStr::width(
                    l.trim_end_matches(char::is_numeric).trim_end_matches('n'),
                )
            })
            .collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{t}");
        assert!(t.contains("a\\nb\\u{1b}[2J"), "{t}");
        assert!(!t.contains('\u{1b}'), "{t}");
    }

    /// On a narrow terminal the widest column is cut, the others kept; with
    /// no width (piped) nothing is cut.
    #[test]
    fn a_table_fits_the_terminal_by_cutting_its_widest_column() {
        use unicode_width::UnicodeWidthStr;
        let rows = vec![
            vec![
                "tangata-2025-11-13".to_string(),
                "Frappe de drone à Tangata : une famille entière anéantie".to_string(),
                "7".to_string(),
            ],
            vec!["x".to_string(), "court".to_string(), "12".to_string()],
        ];
        let t = render_table(&["incident", "titre", "morts"], &rows, Some(50));
        for l in t.lines() {
            assert!(l.width() <= 50, "{l:?} is {} wide", l.width());
        }
        assert!(t.contains("tangata-2025-11-13"), "{t}");
        assert!(t.contains("Frappe de drone à Tang…  7"), "{t}");
        assert!(t.lines().nth(1).unwrap().ends_with('7'), "{t}");
        let whole = render_table(&["incident", "titre", "morts"], &rows, None);
        assert!(whole.contains("entière anéantie"), "{whole}");
    }
}
