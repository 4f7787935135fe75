#![allow(clippy::expect_used, clippy::unwrap_used)] // a build script fails loudly by design
//! Generates the text catalogue code from `locales/*.txt`.
//!
//! Each file is one language (`sv.txt`, `en.txt`, …) of `key = text` lines. Swedish is the reference:
//! the build fails if another language lacks a key Swedish has, or has one Swedish lacks, so no text
//! can go missing. Keys become enum variants (`K::home_title`), so a typo in code does not compile
//! either. Adding a language is adding a file (and, if it is new to the project, its CLDR plural
//! categories below and its rule in `i18n::plural_category`).
//!
//! A text that depends on a number has one line per CLDR plural category, `key[one] = …`,
//! `key[other] = …`: the build fails unless every language has exactly the categories its plural
//! rules use (Swedish and English: one, other; Arabic: zero, one, two, few, many, other).
//!
//! The keys below the line `#! staff` in `sv.txt` are the staff workspace's. The browser build
//! (no `ssr` feature) gets them as empty strings, so the public forms' wasm does not carry every
//! staff page's texts in three languages; and the build fails if code the browser runs names one.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The CLDR plural categories a language uses for whole numbers.
fn plural_categories(code: &str) -> &'static [&'static str] {
    match code {
        "sv" | "en" => &["one", "other"],
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        other => panic!(
            "locales/{other}.txt: add its CLDR plural categories to build.rs and its rule to \
             i18n::plural_category"
        ),
    }
}

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// A catalogue: plain texts, and texts with one form per plural category.
struct Catalogue {
    plain: Vec<(String, String)>,
    plural: BTreeMap<String, BTreeMap<String, String>>,
}

fn catalogue(path: &Path) -> Catalogue {
    let mut plain = Vec::new();
    let mut plural: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (key, text) in parse(path) {
        match key.split_once('[') {
            Some((name, rest)) => {
                let cat = rest.strip_suffix(']').unwrap_or_else(|| {
                    panic!("{}: `{key}`: expected `key[category]`", path.display())
                });
                assert!(
                    CATEGORIES.contains(&cat),
                    "{}: `{key}`: `{cat}` is not a CLDR plural category",
                    path.display()
                );
                plural
                    .entry(name.to_string())
                    .or_default()
                    .insert(cat.to_string(), text);
            }
            None => plain.push((key, text)),
        }
    }
    Catalogue { plain, plural }
}

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
        let name = key.split_once('[').map_or(key, |(name, _)| name);
        assert!(
            name.chars()
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

/// The line after which `sv.txt`'s keys are the staff workspace's only.
const STAFF_MARKER: &str = "#! staff";

/// The names of the keys below the staff marker in `path`.
fn staff_keys(path: &Path) -> BTreeSet<String> {
    let src = std::fs::read_to_string(path).expect("readable catalogue");
    let (_, staff) = src
        .split_once(&format!("\n{STAFF_MARKER}"))
        .unwrap_or_else(|| panic!("{}: no `{STAFF_MARKER}` line", path.display()));
    staff
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, _)| k.trim().split('[').next().unwrap_or("").to_string())
        .collect()
}

/// Source files that never run in the browser, though compiled there too: the server's code,
/// the staff pages and server functions, and the models only the staff workspace uses.
fn staff_only_source(path: &Path) -> bool {
    let p = path.to_string_lossy().replace('\\', "/");
    ["src/ssr/", "src/pages/staff/", "src/api/"]
        .iter()
        .any(|d| p.starts_with(d))
        || [
            "src/components/staff_form.rs",
            "src/models/audit.rs",
            "src/models/case.rs",
            "src/models/casework.rs",
            "src/models/inbox.rs",
            "src/models/personnummer.rs",
            "src/models/request.rs",
            "src/models/staff.rs",
            "src/models/team.rs",
            "src/models/two_factor.rs",
        ]
        .contains(&p.as_str())
}

/// Fails the build if code the browser may run names a staff text (it would show nothing there).
/// Tests (`#[cfg(test)]` to the end of a file) run on the server and do not count.
fn check_browser_texts(dir: &Path, staff: &BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            check_browser_texts(&path, staff);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") || staff_only_source(&path) {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("readable source");
        let code = src.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices("K::") {
            let name: String = code[i + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(
                !staff.contains(&name),
                "{}: `K::{name}` is a staff text (below `{STAFF_MARKER}` in locales/sv.txt), but \
                 this file runs in the browser too: move the text above the marker",
                path.display()
            );
        }
    }
}

fn main() {
    let dir = Path::new("locales");
    println!("cargo:rerun-if-changed=src");
    let staff = staff_keys(&dir.join("sv.txt"));
    check_browser_texts(Path::new("src"), &staff);
    // The browser build: staff texts are empty there.
    let browser = std::env::var_os("CARGO_FEATURE_SSR").is_none();
    println!("cargo:rerun-if-changed=locales");
    let mut catalogues: BTreeMap<String, Catalogue> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("locales/ exists") {
        let path = entry.expect("readable dir entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("txt") {
            println!("cargo:rerun-if-changed={}", path.display());
            let code = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name")
                .to_string();
            catalogues.insert(code, catalogue(&path));
        }
    }
    // Plural keys are checked here, then stand in the key list with their `other` form, so
    // `text()` of a plural key is its general form and every key is a `K`.
    let reference_plurals: Vec<String> = catalogues
        .get("sv")
        .expect("locales/sv.txt is the reference catalogue")
        .plural
        .keys()
        .cloned()
        .collect();
    for (code, c) in &catalogues {
        let needed = plural_categories(code);
        let names: Vec<&String> = c.plural.keys().collect();
        assert_eq!(
            names,
            reference_plurals.iter().collect::<Vec<_>>(),
            "locales/{code}.txt must have the same plural keys as sv.txt"
        );
        for (name, forms) in &c.plural {
            let have: Vec<&str> = forms.keys().map(String::as_str).collect();
            for cat in needed {
                assert!(
                    have.contains(cat),
                    "locales/{code}.txt: plural key `{name}` lacks `{name}[{cat}]`"
                );
            }
            for cat in &have {
                assert!(
                    needed.contains(cat),
                    "locales/{code}.txt: `{name}[{cat}]`: {code} has no `{cat}` category"
                );
            }
        }
    }
    let langs: BTreeMap<String, Vec<(String, String)>> = catalogues
        .iter()
        .map(|(code, c)| {
            let mut all = c.plain.clone();
            for (name, forms) in &c.plural {
                assert!(
                    !all.iter().any(|(k, _)| k == name),
                    "locales/{code}.txt: `{name}` is both plain and plural"
                );
                all.push((name.clone(), forms["other"].clone()));
            }
            (code.clone(), all)
        })
        .collect();
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
            let text = if browser && staff.contains(*k) {
                ""
            } else {
                map[k].as_str()
            };
            writeln!(code, "    {text:?},").ok();
        }
        writeln!(code, "];").ok();
    }
    writeln!(
        code,
        "/// The form of plural key `key` for category `cat` in `lang` (`None`: not a plural key)."
    )
    .ok();
    // In the browser build every plural text may be a staff one, leaving only the `_` arm.
    writeln!(code, "#[allow(clippy::match_single_binding)]").ok();
    writeln!(
        code,
        "pub fn plural_text(lang: Lang, key: K, cat: Plural) -> Option<&'static str> {{ match (lang, key, cat) {{"
    )
    .ok();
    for c in &order {
        for (name, forms) in &catalogues[*c].plural {
            if browser && staff.contains(name) {
                continue;
            }
            for (cat, text) in forms {
                let mut v = cat.clone();
                v[..1].make_ascii_uppercase();
                writeln!(
                    code,
                    "        (Lang::{}, K::{name}, Plural::{v}) => Some({text:?}),",
                    variant(c)
                )
                .ok();
            }
        }
    }
    writeln!(code, "        _ => None,\n    }} }}").ok();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("texts.rs");
    std::fs::write(out, code).expect("write texts.rs");
}
