//! README.fr.md as a French user follows it: every `sh` block, in order,
//! run by bash from an empty directory holding a copy of `examples/`,
//! with `temoin` on the PATH and a French locale. The walk-through must
//! work exactly as written, and speak French.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The `sh` blocks of a Markdown file, in order.
fn sh_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_french_walk_through_works_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = std::fs::read_to_string(root.join("README.fr.md")).unwrap();
    let blocks = sh_blocks(&md);
    assert!(blocks.len() >= 10, "{} sh blocks", blocks.len());
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root.join("examples"), &tmp.path().join("examples"));
    let bin = Path::new(env!("CARGO_BIN_EXE_temoin")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // A step that fails must not leave a server started in the
    // background holding the output open (the test would wait for ever).
    let script = format!(
        "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{}",
        blocks.join("\n")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .env("PATH", path)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for needle in [
        "archive ./archive créée",
        "ajoutée : entrée",
        "refusé autre.tms : elle cite l'incident \"nulle-part\"",
        "ok : ",
        "VÉRIFIÉ : ",
        "rapport écrit dans tangata.html",
        "jeton ",
        "Maître Awa Traoré, Bamako  lawyer",
        "incident tangata-2025-11-13  witness",
        "la chaîne du journal des accès tient",
        "note.receipt.json",
        "vérifié avec la clé épinglée et écrit dans tangata-serveur.json",
        "tuiles écrites",
        "miroir : copié et vérifié jusqu'à la taille",
        "miroir : à jour",
        "ok : tuiles miroir de",
    ] {
        assert!(
            stdout.contains(needle) || stderr.contains(needle),
            "{needle:?} not said:\n{stdout}\n{stderr}"
        );
    }
    // Through the server: the lawyer's list and the push's receipt.
    let list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("incidents.json")).unwrap()).unwrap();
    assert!(
        list["incidents"].as_array().is_some_and(|l| !l.is_empty()),
        "{list}"
    );
    assert!(tmp.path().join("note.receipt.json").is_file());
    let report = std::fs::read_to_string(tmp.path().join("tangata.html")).unwrap();
    assert!(report.contains("<html lang=\"fr\">"));
    assert!(report.contains("Maître Awa Traoré"));
}
