//! The spreadsheet exports and the search (issue 14): `incident list
//! --csv`, `victims` (table, `--csv`, `--json`, `--as-of`) and `search`,
//! on the demo archive built from the seed article.

use std::path::Path;
use std::process::Command;

fn temoin(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .env_remove("TEMOIN_ARCHIVE")
        .output()
        .expect("run temoin");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> Vec<u8> {
    let (code, out, err) = temoin(args);
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    out
}

/// Parse RFC 4180 output into its header and records.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn demo(dir: &Path) -> String {
    let d = dir.join("demo").display().to_string();
    ok(&["demo", "--archive", &d, "--quiet"]);
    d
}

#[test]
fn incidents_and_victims_as_csv_with_their_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let d = demo(tmp.path());
    let out = ok(&["incident", "list", "--archive", &d, "--csv"]);
    assert!(out.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");
    let (header, rows) = csv_rows(&out);
    assert_eq!(header[..4], ["incident_id", "title", "type", "date_start"]);
    assert_eq!(header.len(), 35);
    // Columns added since are at the end: the first 30 keep their places.
    assert_eq!(
        header[30..],
        [
            "place_precision",
            "perpetrators",
            "perpetrator_entries",
            "means",
            "data_conflicts"
        ]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let tangata = rows
        .iter()
        .find(|r| r[0] == "tangata-2025-11-13")
        .expect("Tangata");
    assert_eq!(tangata[col("country")], "ML");
    assert_eq!(tangata[col("commune")], "Tin-Aïcha");
    let dead_max: u32 = tangata[col("dead_max")].parse().unwrap();
    assert!(dead_max >= 7, "{tangata:?}");
    // Every figure names the entries that give it.
    let entries = &tangata[col("dead_entries")];
    assert!(
        !entries.is_empty() && entries.split(' ').all(|s| s.parse::<u64>().is_ok()),
        "{entries:?}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&ok(&["incident", "list", "--archive", &d, "--json"])).unwrap();
    assert_eq!(rows.len(), json["incidents"].as_array().unwrap().len());

    // Victims: every named one, with the entries that name them.
    let excel = ok(&["victims", "--archive", &d, "--csv", "--excel"]);
    assert!(excel.starts_with(b"\xef\xbb\xbfincident_id,name,"));
    let (header, victims) = csv_rows(&excel[3..]);
    assert_eq!(header.len(), 14);
    assert_eq!(header[12..], ["age_group", "acts"]);
    let t = victims
        .iter()
        .find(|v| v[1] == "Toraghite Walet Innabougor")
        .expect("the seed article names her");
    assert_eq!(
        (t[0].as_str(), t[3].as_str(), t[6].as_str()),
        ("tangata-2025-11-13", "female", "dead")
    );
    assert!(!t[10].is_empty() && t[11].len() >= 64, "{t:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&ok(&["victims", "--archive", &d, "--json"])).unwrap();
    assert_eq!(json["victims"].as_array().unwrap().len(), victims.len());
    let table = String::from_utf8(ok(&["victims", "--archive", &d])).unwrap();
    assert!(table.contains("Toraghite Walet Innabougor"), "{table}");
    assert!(
        table.contains(&format!("{} named victims", victims.len())),
        "{table}"
    );
    // As of before the first testimony: no victim yet.
    let (_, early) = csv_rows(&ok(&["victims", "--archive", &d, "--csv", "--as-of", "3"]));
    assert!(early.len() < victims.len(), "{early:?}");
    // --excel without --csv is a usage error.
    assert_eq!(temoin(&["victims", "--archive", &d, "--excel"]).0, 2);
}

#[test]
fn search_ignores_accents_case_and_hyphens() {
    let tmp = tempfile::tempdir().unwrap();
    let d = demo(tmp.path());
    let hits = |q: &str| -> serde_json::Value {
        serde_json::from_slice(&ok(&["search", q, "--archive", &d, "--json"])).unwrap()
    };
    let h = hits("toraghite");
    assert_eq!(h[0]["kind"], "victim");
    assert_eq!(h[0]["text"], "Toraghite Walet Innabougor");
    assert!(!h[0]["entries"].as_array().unwrap().is_empty());
    let h = hits("tin aicha");
    assert!(
        h.as_array()
            .unwrap()
            .iter()
            .any(|x| x["field"] == "commune" && x["text"] == "Tin-Aïcha"),
        "{h}"
    );
    let h = hits("EGHACHAR n'tirikene");
    assert!(
        h.as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "incident"),
        "{h}"
    );
    // Nothing found: said so, exit 1, as grep does.
    let (code, out, _) = temoin(&["search", "Kidal-Nowhere", "--archive", &d]);
    assert_eq!(code, 1);
    assert!(String::from_utf8_lossy(&out).contains("0 matches"));
    assert_eq!(temoin(&["search", " - ", "--archive", &d]).0, 2);
}
