//! French and English: every human-facing text of the command line and the
//! report comes from a Project Fluent catalogue (`i18n/LANG/temoin.ftl`),
//! read through i18n-embed. `tr!` takes the language explicitly (a report is
//! written in the language asked for it, whatever the process's); `t!` uses
//! the language of the command line (`--lang`, else the locale).
//!
//! The English catalogue is the reference: `i18n_embed_fl::fl!` refuses at
//! compile time a message id or an argument it does not have. The French
//! one is checked against it by a test (same ids, same arguments).
//!
//! Dates and numbers are written as people of each language write them:
//! "14 novembre 2025", "1er novembre 2025", "14 November 2025"; "12 345"
//! (with a narrow no-break space) and "12,345".

use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::LanguageLoader as _;
use rust_embed::RustEmbed;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "../../i18n"]
struct Catalogues;

/// A language temoin speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The BCP 47 tag, as written in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language of a tag or a locale name: `fr`, `fr-ML`,
    /// `fr_FR.UTF-8`, `en_GB`... `None` for a language temoin does not
    /// speak (the caller falls back to English).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The locale's language, as POSIX reads it: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty decides; English
    /// when it names another language, `C` or `POSIX`.
    pub fn from_locale() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return Lang::from_tag(&v).unwrap_or(Lang::En);
                }
            }
        }
        Lang::En
    }

    /// The catalogue of this language (the English one fills any gap).
    pub fn loader(self) -> &'static FluentLanguageLoader {
        static EN: OnceLock<FluentLanguageLoader> = OnceLock::new();
        static FR: OnceLock<FluentLanguageLoader> = OnceLock::new();
        let cell = match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        };
        cell.get_or_init(|| load("temoin", self))
    }

    /// The French translations of the command line's help (`--help`,
    /// `man`), keyed by command path (`i18n/LANG/help.ftl`); English help is
    /// the clap definitions' own.
    pub fn help_loader(self) -> &'static FluentLanguageLoader {
        static EN: OnceLock<FluentLanguageLoader> = OnceLock::new();
        static FR: OnceLock<FluentLanguageLoader> = OnceLock::new();
        let cell = match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        };
        cell.get_or_init(|| load("help", self))
    }
}

fn load(domain: &str, lang: Lang) -> FluentLanguageLoader {
    let fallback: i18n_embed::unic_langid::LanguageIdentifier = Lang::En
        .tag()
        .parse()
        .expect("\"en\" is a language identifier");
    let loader = FluentLanguageLoader::new(domain, fallback);
    let wanted: i18n_embed::unic_langid::LanguageIdentifier =
        lang.tag().parse().expect("a language tag of ours parses");
    // The catalogues are compiled in; a missing one is a build defect the
    // tests catch, so an empty loader (ids shown as-is) is all that is left.
    let _ = loader.load_languages(&Catalogues, &[wanted]);
    // Fluent wraps every argument in Unicode isolation marks by default;
    // they show as stray characters in terminals, CSV and PDFs.
    loader.set_use_isolating(false);
    loader
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Fix the language of this process's messages (once, in `main`).
pub fn set_current(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The language of this process's messages: what `set_current` fixed,
/// else the locale's.
pub fn current() -> Lang {
    *CURRENT.get_or_init(Lang::from_locale)
}

/// A message in language `$lang`, with Fluent arguments `name = value`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal) => {{
        i18n_embed_fl::fl!($crate::i18n::Lang::loader($lang), $id)
    }};
    ($lang:expr, $id:literal, $($args:tt)*) => {{
        i18n_embed_fl::fl!($crate::i18n::Lang::loader($lang), $id, $($args)*)
    }};
}

/// A message in the command line's language.
#[macro_export]
macro_rules! t {
    ($id:literal) => {{
        $crate::tr!($crate::i18n::current(), $id)
    }};
    ($id:literal, $($args:tt)*) => {{
        $crate::tr!($crate::i18n::current(), $id, $($args)*)
    }};
}

/// A value of the domain's vocabulary (`alleged`, `armed_drone`...) in
/// `lang`: the catalogue's `value-{domain}-{value}` (underscores as
/// hyphens), else the value as words. A test checks that every value of
/// every such enumeration has its message in each language.
pub fn word<T: serde::Serialize>(lang: Lang, domain: &str, x: &T) -> String {
    let value = match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => return String::new(),
    };
    let id = format!("value-{domain}-{}", value.replace('_', "-"));
    let loader = lang.loader();
    if loader.has(&id) {
        loader.get(&id)
    } else {
        value.replace('_', " ")
    }
}

/// A count written as the language writes it: "12,345" / "12 345" (narrow
/// no-break space, as the French typographic rule has it).
pub fn number(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ",",
        Lang::Fr => "\u{202f}",
    };
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// The name of month `m` (1-12) in `lang`, as in a date ("novembre").
pub fn month_name(lang: Lang, m: u32) -> String {
    match m {
        1 => tr!(lang, "month-1"),
        2 => tr!(lang, "month-2"),
        3 => tr!(lang, "month-3"),
        4 => tr!(lang, "month-4"),
        5 => tr!(lang, "month-5"),
        6 => tr!(lang, "month-6"),
        7 => tr!(lang, "month-7"),
        8 => tr!(lang, "month-8"),
        9 => tr!(lang, "month-9"),
        10 => tr!(lang, "month-10"),
        11 => tr!(lang, "month-11"),
        12 => tr!(lang, "month-12"),
        _ => m.to_string(),
    }
}

/// A day as written in prose: "14 November 2025", "1er novembre 2025".
pub fn date(lang: Lang, y: i64, m: u32, d: u32) -> String {
    let day = match (lang, d) {
        (Lang::Fr, 1) => "1er".to_string(),
        _ => d.to_string(),
    };
    tr!(
        lang,
        "date-day",
        day = day,
        month = month_name(lang, m),
        year = y.to_string()
    )
}

/// A month of a year: "November 2025", "novembre 2025".
pub fn month_year(lang: Lang, y: i64, m: u32) -> String {
    tr!(
        lang,
        "date-month",
        month = month_name(lang, m),
        year = y.to_string()
    )
}

/// A `YYYY-MM-DD` date in prose; anything else as given.
pub fn date_str(lang: Lang, s: &str) -> String {
    match temoin_core::time::parse_date(s) {
        Some((y, m, d)) => date(lang, y, m, d),
        None => s.to_string(),
    }
}

/// A unix-ms time in prose, to the second, UTC: "14 November 2025,
/// 03:12:09 UTC", "14 novembre 2025 à 03:12:09 UTC".
pub fn time_ms(lang: Lang, ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = temoin_core::time::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let clock = format!("{:02}:{:02}:{:02}", rem / 3600, (rem % 3600) / 60, rem % 60);
    tr!(lang, "date-time", day = date(lang, y, m, d), clock = clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_each_language_writes_them() {
        assert_eq!(date(Lang::En, 2025, 11, 14), "14 November 2025");
        assert_eq!(date(Lang::Fr, 2025, 11, 14), "14 novembre 2025");
        assert_eq!(date(Lang::Fr, 2025, 11, 1), "1er novembre 2025");
        assert_eq!(month_year(Lang::Fr, 2025, 2), "février 2025");
        assert_eq!(date_str(Lang::Fr, "2025-08-03"), "3 août 2025");
        assert_eq!(date_str(Lang::En, "around then"), "around then");
        // 2025-11-14T03:12:09Z
        assert_eq!(
            time_ms(Lang::En, 1_763_089_929_000),
            "14 November 2025, 03:12:09 UTC"
        );
        assert_eq!(
            time_ms(Lang::Fr, 1_763_089_929_000),
            "14 novembre 2025 à 03:12:09 UTC"
        );
    }

    #[test]
    fn numbers_as_each_language_writes_them() {
        assert_eq!(number(Lang::En, 0), "0");
        assert_eq!(number(Lang::En, 999), "999");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Fr, 12_345), "12\u{202f}345");
    }

    /// Message ids and the variables each uses.
    fn catalogue(src: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
        fn inline(e: &InlineExpression<&str>, out: &mut Vec<String>) {
            match e {
                InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
                InlineExpression::FunctionReference { arguments, .. } => {
                    for a in &arguments.positional {
                        inline(a, out);
                    }
                    for a in &arguments.named {
                        inline(&a.value, out);
                    }
                }
                InlineExpression::Placeable { expression } => expr(expression, out),
                _ => {}
            }
        }
        fn expr(e: &Expression<&str>, out: &mut Vec<String>) {
            match e {
                Expression::Inline(i) => inline(i, out),
                Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
            }
        }
        fn pattern(p: &Pattern<&str>, out: &mut Vec<String>) {
            for el in &p.elements {
                if let PatternElement::Placeable { expression } = el {
                    expr(expression, out);
                }
            }
        }
        let res = fluent_syntax::parser::parse(src)
            .unwrap_or_else(|(_, errors)| panic!("catalogue does not parse: {errors:?}"));
        let mut out = std::collections::BTreeMap::new();
        for e in &res.body {
            match e {
                Entry::Message(m) => {
                    let mut vars = Vec::new();
                    if let Some(p) = &m.value {
                        pattern(p, &mut vars);
                    }
                    for a in &m.attributes {
                        pattern(&a.value, &mut vars);
                    }
                    vars.sort();
                    vars.dedup();
                    assert!(
                        out.insert(m.id.name.to_string(), vars).is_none(),
                        "message {} defined twice",
                        m.id.name
                    );
                }
                Entry::Junk { content } => panic!("not Fluent: {content}"),
                _ => {}
            }
        }
        out
    }

    /// The French catalogue says everything the English one says, with
    /// the same arguments: a message missing in French would show in
    /// English, a variable misspelt would show as `{$name}`.
    #[test]
    fn french_catalogue_matches_the_english_one() {
        let en = catalogue(include_str!("../../../i18n/en/temoin.ftl"));
        let fr = catalogue(include_str!("../../../i18n/fr/temoin.ftl"));
        let missing: Vec<&String> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
        let extra: Vec<&String> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "not in French: {missing:?}");
        assert!(extra.is_empty(), "only in French: {extra:?}");
        for (id, vars) in &fr {
            for v in vars {
                assert!(
                    en[id].contains(v),
                    "{id}: French uses ${v}, English has {:?}",
                    en[id]
                );
            }
        }
        catalogue(include_str!("../../../i18n/fr/help.ftl"));
    }

    /// Every value of the domain's vocabularies is said in each language
    /// (not left as the data's English word).
    #[test]
    fn every_domain_value_has_its_words() {
        use temoin_core::domain::*;
        fn all<T: serde::de::DeserializeOwned>(values: &[&str]) -> Vec<T> {
            values
                .iter()
                .map(|v| serde_json::from_value(serde_json::Value::String(v.to_string())).unwrap())
                .collect()
        }
        fn check<T: serde::Serialize>(domain: &str, xs: &[T]) {
            for x in xs {
                let value = serde_json::to_value(x).unwrap();
                let id = format!(
                    "value-{domain}-{}",
                    value.as_str().unwrap().replace('_', "-")
                );
                for lang in Lang::ALL {
                    assert!(lang.loader().has(&id), "{id} missing in {lang:?}");
                }
            }
        }
        check::<PerpetratorKind>(
            "kind",
            &all(&[
                "state_forces",
                "foreign_forces",
                "private_military_company",
                "armed_group",
                "unknown",
            ]),
        );
        check::<Attribution>(
            "attribution",
            &all(&["confirmed", "alleged", "disputed", "denied"]),
        );
        check::<MeansKind>(
            "means",
            &all(&[
                "armed_drone",
                "aircraft",
                "helicopter",
                "artillery",
                "small_arms",
                "explosive_device",
                "arson",
                "other",
            ]),
        );
        check::<Act>(
            "act",
            &all(&[
                "killed",
                "injured",
                "burned",
                "disappeared",
                "detained",
                "tortured",
                "displaced",
                "property_destroyed",
            ]),
        );
        check::<AgeGroup>("age-group", &all(&["child", "adult", "elderly", "unknown"]));
        check::<Verification>(
            "verification",
            &all(&["confirmed", "fair", "weak", "contested", "discounted"]),
        );
        check::<Reliability>("reliability", &all(&["high", "medium", "low", "unknown"]));
        check::<PlacePrecision>(
            "place-precision",
            &all(&[
                "exact",
                "approximate",
                "locality",
                "commune",
                "cercle",
                "region",
                "country",
            ]),
        );
        assert_eq!(
            word(Lang::Fr, "attribution", &Attribution::Alleged),
            "présumée"
        );
        assert_eq!(
            word(Lang::En, "means", &MeansKind::ArmedDrone),
            "armed drone"
        );
    }

    #[test]
    fn locale_names_give_the_language() {
        assert_eq!(Lang::from_tag("fr_ML.UTF-8"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("fr-FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_tag("C.UTF-8"), None);
        assert_eq!(Lang::from_tag("de_DE"), None);
    }
}
