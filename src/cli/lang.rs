//! The command line's language: `--lang fr|en`, else the locale, and the
//! help (`--help`, `man`) in that language.
//!
//! English help is written once, in the clap definitions. The French help
//! is `i18n/fr/help.ftl`, one message per command and option, keyed by
//! path: `help-incident-show` (the command's about), `help-incident-show-long`
//! (its long about), `help-incident-show--as-of` (an option's help),
//! `help-incident-show--as-of-long` (its long help). A test walks the clap
//! tree and fails on a command or option with no French text, or a French
//! text for something that no longer exists.

use clap::{Arg, ArgAction, Command};
use temoin::i18n::Lang;

/// The language asked on the command line (`--lang X`, `--lang=X`), read
/// before clap parses, so that clap's help is already in that language.
/// An unknown value is left for clap to refuse.
pub fn from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        // A file name that is not UTF-8 is no option: look further.
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            return None;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Lang::from_tag(v);
        }
        if a == "--lang" {
            return it.next().and_then(|v| v.to_str()).and_then(Lang::from_tag);
        }
    }
    None
}

/// The message id of a command path ("temoin incident show") and suffix.
pub fn help_id(path: &[&str], suffix: &str) -> String {
    let mut id = String::from("help");
    for p in path.iter().skip(1) {
        id.push('-');
        id.push_str(p);
    }
    if path.len() == 1 {
        id.push_str("-temoin");
    }
    id.push_str(suffix);
    id
}

/// The id of an option's help (`help-incident-show--as-of`).
pub fn arg_id(path: &[&str], arg: &str) -> String {
    help_id(path, &format!("--{}", arg.replace('_', "-")))
}

fn text(lang: Lang, id: &str) -> Option<String> {
    let l = lang.help_loader();
    if l.has(id) {
        Some(l.get(id))
    } else {
        None
    }
}

/// `cmd` with its help in `lang`. English is the definitions' own; for
/// another language each text found in the catalogue replaces the English
/// one (what is missing stays English; the test makes that nothing).
pub fn localize(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    localize_at(cmd, lang, &mut vec!["temoin".to_string()])
}

fn localize_at(mut cmd: Command, lang: Lang, path: &mut Vec<String>) -> Command {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(s) = text(lang, &help_id(&p, "")) {
        cmd = cmd.about(s);
    }
    if let Some(s) = text(lang, &help_id(&p, "-long")) {
        cmd = cmd.long_about(s);
    }
    if let Some(example) = cmd.get_after_long_help().map(|h| h.to_string()) {
        if let Some(rest) = example.strip_prefix("Example:") {
            let heading = temoin::tr!(lang, "help-example-heading");
            cmd = cmd.after_long_help(format!("{heading}{rest}"));
        }
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_string())
        .filter(|id| !matches!(id.as_str(), "help" | "version"))
        .collect();
    let options = temoin::tr!(lang, "help-options-heading");
    let arguments = temoin::tr!(lang, "help-arguments-heading");
    for id in ids {
        let short = text(lang, &arg_id(&p, &id));
        let long = text(lang, &format!("{}-long", arg_id(&p, &id)));
        let (options, arguments) = (options.clone(), arguments.clone());
        cmd = cmd.mut_arg(id.as_str(), move |a: Arg| {
            let heading = if a.get_help_heading().is_some() {
                None
            } else if a.is_positional() {
                Some(arguments)
            } else {
                Some(options)
            };
            let mut a = a;
            if let Some(h) = heading {
                a = a.help_heading(h);
            }
            if let Some(s) = short {
                a = a.help(s);
            }
            if let Some(s) = long {
                a = a.long_help(s);
            }
            a
        });
    }
    cmd = cmd
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(temoin::tr!(lang, "help-flag-help"))
                .help_heading(temoin::tr!(lang, "help-options-heading")),
        )
        .subcommand_help_heading(temoin::tr!(lang, "help-commands-heading"))
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            temoin::tr!(lang, "help-usage-heading")
        ));
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(temoin::tr!(lang, "help-flag-version"))
                .help_heading(temoin::tr!(lang, "help-options-heading")),
        );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        path.push(name.clone());
        let mut taken = None;
        cmd = cmd.mut_subcommand(name.as_str(), |s| {
            taken = Some(s.clone());
            s
        });
        if let Some(sub) = taken {
            let sub = localize_at(sub, lang, path);
            cmd = cmd.mut_subcommand(name.as_str(), move |_| sub);
        }
        path.pop();
    }
    cmd
}

/// Every help id of the tree, with its English text: what `help.ftl` of a
/// language must translate.
#[cfg(test)]
pub fn help_texts(cmd: &Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(cmd, &mut vec!["temoin".to_string()], &mut out);
    out
}

#[cfg(test)]
fn walk(cmd: &Command, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(s) = cmd.get_about() {
        out.push((help_id(&p, ""), s.to_string()));
    }
    if let Some(s) = cmd.get_long_about() {
        out.push((help_id(&p, "-long"), s.to_string()));
    }
    for a in cmd.get_arguments() {
        let id = a.get_id().as_str();
        if matches!(id, "help" | "version") {
            continue;
        }
        if let Some(s) = a.get_help() {
            out.push((arg_id(&p, id), s.to_string()));
        }
        if let Some(s) = a.get_long_help() {
            out.push((format!("{}-long", arg_id(&p, id)), s.to_string()));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        path.push(sub.get_name().to_string());
        walk(sub, path, out);
        path.pop();
    }
}

/// A command line clap refused, said in `lang`: the common mistakes
/// (a required option missing, an unknown option or command, a value not
/// among those allowed) from the catalogue, with clap's usage line; `None`
/// for help and version output, and for English, which clap says itself.
pub fn clap_error(e: &clap::Error, lang: Lang) -> Option<String> {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    if lang == Lang::En {
        return None;
    }
    let text = |k: C| -> String {
        match e.get(k) {
            Some(V::String(s)) => s.clone(),
            Some(V::Strings(v)) => v.join(", "),
            Some(V::StyledStr(s)) => s.to_string(),
            Some(V::StyledStrs(v)) => v
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            Some(V::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let said = match e.kind() {
        K::MissingRequiredArgument => {
            temoin::tr!(lang, "clap-missing", args = text(C::InvalidArg))
        }
        K::UnknownArgument => temoin::tr!(lang, "clap-unknown-argument", arg = text(C::InvalidArg)),
        K::InvalidSubcommand => {
            let mut s = temoin::tr!(
                lang,
                "clap-unknown-command",
                command = text(C::InvalidSubcommand)
            );
            let suggested = text(C::SuggestedSubcommand);
            if !suggested.is_empty() {
                s.push_str(&temoin::tr!(lang, "clap-suggested", suggested = suggested));
            }
            s
        }
        K::InvalidValue => {
            let mut s = temoin::tr!(
                lang,
                "clap-invalid-value",
                value = text(C::InvalidValue),
                arg = text(C::InvalidArg)
            );
            let valid = text(C::ValidValue);
            if !valid.is_empty() {
                s.push_str(&temoin::tr!(lang, "clap-valid-values", values = valid));
            }
            s
        }
        K::ValueValidation => temoin::tr!(
            lang,
            "clap-value-validation",
            value = text(C::InvalidValue),
            arg = text(C::InvalidArg),
            reason = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default()
        ),
        K::MissingSubcommand => temoin::tr!(lang, "clap-missing-command"),
        K::ArgumentConflict => temoin::tr!(
            lang,
            "clap-conflict",
            arg = text(C::InvalidArg),
            other = text(C::PriorArg)
        ),
        K::DisplayHelp | K::DisplayVersion => return None,
        _ => return None,
    };
    let usage = text(C::Usage);
    let usage = usage
        .strip_prefix("Usage:")
        .map(|rest| format!("{}{rest}", temoin::tr!(lang, "help-usage-heading")))
        .unwrap_or(usage);
    let usage = if usage.is_empty() {
        String::new()
    } else {
        format!("\n\n{usage}")
    };
    Some(format!(
        "{}{usage}\n\n{}",
        temoin::tr!(lang, "clap-error", message = said),
        temoin::tr!(lang, "clap-more")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn lang_is_read_before_clap_wherever_it_stands() {
        assert_eq!(
            from_args(&args(&["temoin", "--lang", "fr", "demo"])),
            Some(Lang::Fr)
        );
        assert_eq!(
            from_args(&args(&["temoin", "demo", "--lang=en"])),
            Some(Lang::En)
        );
        assert_eq!(from_args(&args(&["temoin", "demo"])), None);
        // After `--`, everything is an operand.
        assert_eq!(
            from_args(&args(&["temoin", "sign", "--", "--lang", "fr"])),
            None
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let mut a = args(&["temoin", "ingest"]);
            a.push(OsString::from_vec(vec![0xff, 0xfe]));
            a.extend(args(&["--lang", "fr"]));
            assert_eq!(from_args(&a), Some(Lang::Fr));
        }
    }
}
