//! The codes the domain's records use for countries (ISO 3166-1 alpha-2)
//! and languages (BCP 47), checked when a statement is signed, with the
//! fix for what people write instead ("Mali", "français").
//!
//! Signing refuses a wrong code; the archive's rules do not, so that what
//! was accepted before stays accepted (docs/DOMAIN.md, "Codes").

use crate::projection::matching::fold;
use crate::reason::Reason;

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ISO_3166_1: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Country names people write, in French and English (folded), and their
/// codes: the region's first.
const COUNTRY_NAMES: &[(&str, &str)] = &[
    ("mali", "ML"),
    ("burkina faso", "BF"),
    ("burkina", "BF"),
    ("niger", "NE"),
    ("mauritanie", "MR"),
    ("mauritania", "MR"),
    ("algerie", "DZ"),
    ("algeria", "DZ"),
    ("senegal", "SN"),
    ("guinee", "GN"),
    ("guinea", "GN"),
    ("cote d'ivoire", "CI"),
    ("ivory coast", "CI"),
    ("tchad", "TD"),
    ("chad", "TD"),
    ("nigeria", "NG"),
    ("libye", "LY"),
    ("libya", "LY"),
    ("maroc", "MA"),
    ("morocco", "MA"),
    ("soudan", "SD"),
    ("sudan", "SD"),
    ("cameroun", "CM"),
    ("cameroon", "CM"),
    ("benin", "BJ"),
    ("togo", "TG"),
    ("ghana", "GH"),
    ("france", "FR"),
];

/// Language names people write (folded) and their BCP 47 tags.
const LANGUAGE_NAMES: &[(&str, &str)] = &[
    ("francais", "fr"),
    ("french", "fr"),
    ("anglais", "en"),
    ("english", "en"),
    ("arabe", "ar"),
    ("arabic", "ar"),
    ("tamasheq", "tmh"),
    ("tamashek", "tmh"),
    ("tamacheq", "tmh"),
    ("tamajaq", "tmh"),
    ("bambara", "bm"),
    ("bamanankan", "bm"),
    ("songhai", "ses"),
    ("songhay", "ses"),
    ("sonrai", "ses"),
    ("peul", "ff"),
    ("fulfulde", "ff"),
    ("fula", "ff"),
    ("pulaar", "ff"),
    ("hassaniya", "mey"),
    ("soninke", "snk"),
    ("haoussa", "ha"),
    ("hausa", "ha"),
    ("wolof", "wo"),
];

/// Why `code` is not an ISO 3166-1 alpha-2 country code, with the fix.
pub fn country_fault(code: &str) -> Option<Reason> {
    if code.len() == 2 && ISO_3166_1.split(' ').any(|c| c == code) {
        return None;
    }
    let upper = code.trim().to_ascii_uppercase();
    let fix = if upper.len() == 2 && ISO_3166_1.split(' ').any(|c| c == upper) {
        Some(upper)
    } else {
        let f = fold(code.trim());
        COUNTRY_NAMES
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, c)| c.to_string())
    };
    Some(Reason::Country {
        value: code.to_string(),
        fix,
    })
}

/// Why `tag` is not a BCP 47 language tag, with the fix: a primary
/// language subtag of 2 or 3 letters, then subtags of 1 to 8 letters or
/// digits, separated by `-` (RFC 5646 §2.1, without the registry).
pub fn language_fault(tag: &str) -> Option<Reason> {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let well_formed = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if well_formed {
        return None;
    }
    let f = fold(tag.trim());
    Some(Reason::Language {
        value: tag.to_string(),
        fix: LANGUAGE_NAMES
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, t)| t.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assigned_country_code_and_only_those() {
        let codes: Vec<&str> = ISO_3166_1.split(' ').collect();
        assert_eq!(codes.len(), 249);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, codes, "sorted, each once");
        for ok in ["ML", "BF", "NE", "FR"] {
            assert_eq!(country_fault(ok), None);
        }
        assert!(country_fault("Mali")
            .unwrap()
            .to_string()
            .contains("write \"ML\""));
        assert!(country_fault("ml")
            .unwrap()
            .to_string()
            .contains("write \"ML\""));
        assert!(country_fault("Côte d’Ivoire")
            .unwrap()
            .to_string()
            .contains("write \"CI\""));
        assert!(country_fault("XX")
            .unwrap()
            .to_string()
            .contains("two capital letters"));
        assert!(country_fault("").is_some());
    }

    #[test]
    fn language_tags_and_the_names_people_write() {
        for ok in ["fr", "tmh", "fr-ML", "ar-Latn", "en-GB", "ses"] {
            assert_eq!(language_fault(ok), None, "{ok}");
        }
        assert!(language_fault("français")
            .unwrap()
            .to_string()
            .contains("write \"fr\""));
        assert!(language_fault("Tamasheq")
            .unwrap()
            .to_string()
            .contains("write \"tmh\""));
        for bad in ["", "f", "fr_ML", "fr-", "french-ML", "fr-toolongtag"] {
            assert!(language_fault(bad).is_some(), "{bad}");
        }
    }
}
