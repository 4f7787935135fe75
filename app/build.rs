#![allow(clippy::expect_used, clippy::unwrap_used)] // a build script fails loudly by design
//! Generates the text catalogue code from `locales/*.txt`.
//!
//! Each file is one language (`sv.txt`, `en.txt`, …) of `key = text` lines. Swedish is the reference:
//! the build fails if another language lacks a key Swedish has, or has one Swedish lacks, so no text
//! can go missing. Keys become enum variants (`K::home_title`), so a typo in code does not compile
//! either. Adding a language is adding a file: no code changes.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn parse(path: &Path) -> Vec<(String, String)> {
    let src = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, text) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("{}:{}: expected `key = text`", path.display(), n + 1));
        let key = key.trim();
        assert!(
            key.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{}:{}: key `{key}` must be snake_case ascii",
            path.display(),
            n + 1
        );
        assert!(
            !out.iter().any(|(k, _): &(String, String)| k == key),
            "{}:{}: duplicate key `{key}`",
            path.display(),
            n + 1
        );
        out.push((key.to_string(), text.trim().to_string()));
    }
    out
}

fn main() {
    let dir = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    let mut langs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("locales/ exists") {
        let path = entry.expect("readable dir entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("txt") {
            println!("cargo:rerun-if-changed={}", path.display());
            let code = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name")
                .to_string();
            langs.insert(code, parse(&path));
        }
    }
    let sv = langs
        .get("sv")
        .expect("locales/sv.txt is the reference catalogue")
        .clone();
    let keys: Vec<&String> = sv.iter().map(|(k, _)| k).collect();
    for (code, entries) in &langs {
        let map: BTreeMap<&String, &String> = entries.iter().map(|(k, v)| (k, v)).collect();
        for k in &keys {
            assert!(
                map.contains_key(k),
                "locales/{code}.txt lacks key `{k}` (present in sv.txt)"
            );
        }
        for k in map.keys() {
            assert!(
                keys.contains(k),
                "locales/{code}.txt has key `{k}` that sv.txt lacks"
            );
        }
        for required in ["lang_name", "lang_dir"] {
            assert!(
                map.contains_key(&required.to_string()),
                "locales/{code}.txt lacks {required}"
            );
        }
    }
    // Swedish first (the default), the rest in file-name order.
    let mut order: Vec<&String> = vec![langs.keys().find(|c| *c == "sv").expect("sv")];
    order.extend(langs.keys().filter(|c| *c != "sv"));

    let mut code = String::new();
    let variant = |c: &str| {
        let mut s = c.to_string();
        s[..1].make_ascii_uppercase();
        s
    };
    writeln!(
        code,
        "/// A language the site is offered in (one per `locales/*.txt`)."
    )
    .ok();
    writeln!(code, "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]").ok();
    writeln!(code, "pub enum Lang {{").ok();
    for (i, c) in order.iter().enumerate() {
        if i == 0 {
            writeln!(code, "    #[default]").ok();
        }
        writeln!(code, "    {},", variant(c)).ok();
    }
    writeln!(code, "}}\n").ok();
    writeln!(code, "impl Lang {{").ok();
    writeln!(code, "    /// Every language, the default first.").ok();
    write!(code, "    pub const ALL: &'static [Lang] = &[").ok();
    for c in &order {
        write!(code, "Lang::{}, ", variant(c)).ok();
    }
    writeln!(code, "];").ok();
    writeln!(
        code,
        "    /// The ISO 639-1 code, as used in `lang` attributes and `?lang=`."
    )
    .ok();
    writeln!(
        code,
        "    pub fn code(self) -> &'static str {{ match self {{"
    )
    .ok();
    for c in &order {
        writeln!(code, "        Lang::{} => \"{c}\",", variant(c)).ok();
    }
    writeln!(code, "    }} }}").ok();
    writeln!(code, "    /// Parses an ISO 639-1 code.").ok();
    writeln!(
        code,
        "    pub fn from_code(code: &str) -> Option<Lang> {{ match code {{"
    )
    .ok();
    for c in &order {
        writeln!(code, "        \"{c}\" => Some(Lang::{}),", variant(c)).ok();
    }
    writeln!(code, "        _ => None,\n    }} }}").ok();
    writeln!(
        code,
        "    fn table(self) -> &'static [&'static str; {}] {{ match self {{",
        keys.len()
    )
    .ok();
    for c in &order {
        writeln!(
            code,
            "        Lang::{} => &{},",
            variant(c),
            c.to_uppercase()
        )
        .ok();
    }
    writeln!(code, "    }} }}\n}}\n").ok();

    writeln!(
        code,
        "/// A text key; every language has every key (checked when building)."
    )
    .ok();
    writeln!(code, "#[allow(non_camel_case_types)]").ok();
    writeln!(
        code,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]"
    )
    .ok();
    writeln!(code, "pub enum K {{").ok();
    for k in &keys {
        writeln!(code, "    {k},").ok();
    }
    writeln!(code, "}}\n").ok();
    writeln!(code, "/// The text for `key` in `lang`.").ok();
    writeln!(
        code,
        "pub fn text(lang: Lang, key: K) -> &'static str {{ lang.table()[key as usize] }}\n"
    )
    .ok();

    for c in &order {
        let map: BTreeMap<&String, &String> = langs[*c].iter().map(|(k, v)| (k, v)).collect();
        writeln!(
            code,
            "static {}: [&str; {}] = [",
            c.to_uppercase(),
            keys.len()
        )
        .ok();
        for k in &keys {
            writeln!(code, "    {:?},", map[k]).ok();
        }
        writeln!(code, "];").ok();
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("texts.rs");
    std::fs::write(out, code).expect("write texts.rs");
}
