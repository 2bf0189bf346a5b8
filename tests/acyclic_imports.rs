//! No import circles in src/: a module imports only modules below it (ARCHITECTURE.md).
//!
//! A module here is a file: `foo.rs` and `foo/mod.rs` are `foo`, `foo/bar.rs` is `foo::bar`,
//! `lib.rs` is `crate`, `bin/main.rs` is `bin::main` (where `agop_collapse::` means `crate::`).
//! Module A imports B when A's code (comments aside) names B or an item inside it: in a `use`
//! (grouped trees included), in a path written inline (`crate::x::y`, `super::x`), or in a path
//! written in an attribute's string (`deserialize_with = "super::nullable::points"`). A path
//! names the deepest module file it reaches, `crate::data::mnist::Mnist` naming `data::mnist`;
//! an item that a folder's `mod.rs` (or `lib.rs`) re-exports from another file names both,
//! `crate::data::DataConfig` naming `data` and `data::config`. Edges from a module to itself and from a folder's `mod.rs` to the files below it (it
//! declares them) are left out; every other edge counts, so a file below a folder may use its
//! `mod.rs` only if that `mod.rs` does not use, through other modules, the file back.
//!
//! The parser is the test's own (the test needs no dependency): the self-checks below make sure
//! it sees the paths and finds a circle, so that the test cannot pass by seeing nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's path below the crate root: `[]` is `crate`, `["data", "mnist"]` is `data::mnist`.
type Module = Vec<String>;

fn name(module: &[String]) -> String {
    if module.is_empty() { "crate".to_string() } else { module.join("::") }
}

/// One source file: its module, whether it is a folder's `mod.rs` (or `lib.rs`), and its text.
struct Source {
    module: Module,
    folder: bool,
    /// Path shown in messages.
    shown: String,
    text: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(src: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(src).expect("below src/");
            let mut module: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let file = module.pop().expect("a file name");
            let folder = file == "mod.rs" || (file == "lib.rs" && module.is_empty());
            if !folder {
                module.push(file.trim_end_matches(".rs").to_string());
            }
            let text = fs::read_to_string(&path).expect("a readable source file");
            Source { module, folder, shown: format!("src/{}", relative.display()), text }
        })
        .collect()
}

/// The code of a source with its comments blanked out (newlines kept, so lines keep their
/// numbers and indentation), and the contents of its string literals with their lines.
fn lex(text: &str) -> (String, Vec<(usize, String)>) {
    let chars: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut strings = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                code.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    code.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    code.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    code.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' || (c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_char_before(&chars, i)) {
            // A string literal, raw (`r"..."`, `r#"..."#`) or not: its text is kept apart.
            let raw = c == 'r';
            let mut hashes = 0;
            if raw {
                code.push(' ');
                i += 1;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    code.push(' ');
                    i += 1;
                }
                if chars.get(i) != Some(&'"') {
                    continue; // `r#ident`, not a string
                }
            }
            code.push(' ');
            i += 1;
            let (start_line, mut content) = (line, String::new());
            while i < chars.len() {
                let d = chars[i];
                if !raw && d == '\\' {
                    content.push(d);
                    content.extend(chars.get(i + 1));
                    line += usize::from(chars.get(i + 1) == Some(&'\n'));
                    code.push(' ');
                    code.extend(chars.get(i + 1).map(|&e| blank(e)));
                    i += 2;
                    continue;
                }
                if d == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    code.extend(std::iter::repeat_n(' ', 1 + hashes));
                    i += 1 + hashes;
                    break;
                }
                line += usize::from(d == '\n');
                content.push(d);
                code.push(blank(d));
                i += 1;
            }
            strings.push((start_line, content));
        } else if c == '\'' {
            // A char literal ('x', '\n', '"') is blanked; a lifetime ('a) is kept.
            let close = if next == Some('\\') {
                (i + 3..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(end) => {
                    code.extend(std::iter::repeat_n(' ', end + 1 - i));
                    i = end + 1;
                }
                None => {
                    code.push(c);
                    i += 1;
                }
            }
        } else {
            line += usize::from(c == '\n');
            code.push(c);
            i += 1;
        }
    }
    (code, strings)
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_char_before(chars: &[char], i: usize) -> bool {
    i > 0 && ident_char(chars[i - 1])
}

/// A path as written, segment by segment (`["crate", "data", "Split"]`), with its line.
#[derive(Debug, Clone, PartialEq)]
struct Written {
    segments: Vec<String>,
    line: usize,
    /// Inside an inline module (`mod tests { ... }`), where `super` is the file's own module.
    inline: bool,
}

/// The paths of every `use` tree, expanded (`use crate::{a, b::{c, d}}` gives `crate::a`,
/// `crate::b::c`, `crate::b::d`; `self` in a group names the group's path), with the aliases
/// they are imported under, or the last segment.
fn use_paths(tree: &str) -> Vec<(Vec<String>, String)> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = tree.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if ident_char(c) {
            let start = i;
            while i < chars.len() && ident_char(chars[i]) {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect::<String>());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".into());
            i += 2;
        } else {
            if "{},*".contains(c) {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    parse_tree(&tokens, &mut at, &[], &mut out);
    out
}

/// Parses one use tree at `tokens[*at..]` below `prefix` into `out`.
fn parse_tree(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(*at).map(String::as_str) {
            Some("{") => {
                *at += 1;
                while !matches!(tokens.get(*at).map(String::as_str), Some("}") | None) {
                    parse_tree(tokens, at, &path, out);
                    if tokens.get(*at).map(String::as_str) == Some(",") {
                        *at += 1;
                    }
                }
                *at += 1;
                return;
            }
            Some("*") => {
                *at += 1;
                if let Some(last) = path.last().cloned() {
                    out.push((path, last));
                }
                return;
            }
            Some(word) if word != "," && word != "}" && word != "::" => {
                *at += 1;
                if word != "self" || path.is_empty() {
                    path.push(word.to_string());
                }
                if tokens.get(*at).map(String::as_str) == Some("::") {
                    *at += 1;
                    continue;
                }
                let mut alias = path.last().cloned().unwrap_or_default();
                if tokens.get(*at).map(String::as_str) == Some("as") {
                    alias = tokens.get(*at + 1).cloned().unwrap_or_default();
                    *at += 2;
                }
                out.push((path, alias));
                return;
            }
            _ => return,
        }
    }
}

/// The paths of a source's code that begin with `crate`, `super` or `agop_collapse`, and the
/// `pub use` re-exports of the source (path and the name it is exported under).
fn written_paths(text: &str) -> (Vec<Written>, Vec<(Vec<String>, String)>) {
    let (code, strings) = lex(text);
    let lines: Vec<&str> = code.lines().collect();
    // Lines inside inline modules, by indentation (rustfmt's): `mod name {` to its `}`.
    let mut inline = vec![false; lines.len() + 2];
    let mut open: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match open {
            Some(depth) if indent == depth && trimmed.trim_end() == "}" => open = None,
            Some(_) => inline[index + 1] = true,
            None => {
                let head = trimmed.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                if head.starts_with("mod ") && trimmed.trim_end().ends_with('{') {
                    open = Some(indent);
                }
            }
        }
    }
    let chars: Vec<char> = code.chars().collect();
    let line_at = |i: usize| 1 + chars[..i].iter().filter(|&&c| c == '\n').count();
    let word_at = |i: usize, word: &str| {
        let w: Vec<char> = word.chars().collect();
        chars.get(i..i + w.len()) == Some(&w[..])
            && !ident_char_before(&chars, i)
            && !chars.get(i + w.len()).copied().is_some_and(ident_char)
    };
    let mut written = Vec::new();
    let mut reexports = Vec::new();
    let mut masked = chars.clone();
    // `use` statements first: their trees, then blanked so that the inline scan skips them.
    let mut i = 0;
    while i < chars.len() {
        if word_at(i, "use") {
            let end = (i..chars.len()).find(|&j| chars[j] == ';').unwrap_or(chars.len());
            let tree: String = chars[i + 3..end].iter().collect();
            let line = line_at(i);
            let before: String = chars[i.saturating_sub(12)..i].iter().collect();
            let public = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
            for (segments, alias) in use_paths(&tree) {
                if public {
                    reexports.push((segments.clone(), alias));
                }
                written.push(Written { segments, line, inline: inline[line] });
            }
            for c in &mut masked[i..end] {
                if *c != '\n' {
                    *c = ' ';
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    let scan = |text: &[char], line_of: &dyn Fn(usize) -> usize, out: &mut Vec<Written>| {
        let mut i = 0;
        while i < text.len() {
            let starts = ["crate", "super", "agop_collapse"].iter().find(|w| {
                let w: Vec<char> = w.chars().collect();
                text.get(i..i + w.len()) == Some(&w[..])
                    && !(i > 0 && (ident_char(text[i - 1]) || text[i - 1] == ':'))
                    && text.get(i + w.len()..i + w.len() + 2) == Some(&[':', ':'][..])
            });
            let Some(_) = starts else {
                i += 1;
                continue;
            };
            let start = i;
            let mut segments = Vec::new();
            loop {
                let from = i;
                while i < text.len() && ident_char(text[i]) {
                    i += 1;
                }
                if from == i {
                    break;
                }
                segments.push(text[from..i].iter().collect::<String>());
                if text.get(i..i + 2) == Some(&[':', ':'][..]) && text.get(i + 2).copied().is_some_and(ident_char) {
                    i += 2;
                } else {
                    break;
                }
            }
            let line = line_of(start);
            out.push(Written { segments, line, inline: inline.get(line).copied().unwrap_or(false) });
        }
    };
    scan(&masked, &|i| line_at(i), &mut written);
    for (line, content) in &strings {
        let text: Vec<char> = content.chars().collect();
        let line = *line;
        scan(&text, &|_| line, &mut written);
    }
    (written, reexports)
}

/// The import graph of the sources: module name -> the modules it imports, each with the first
/// place it does.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn import_graph(sources: &[Source]) -> Graph {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let folders: BTreeSet<Module> = sources.iter().filter(|s| s.folder).map(|s| s.module.clone()).collect();
    let parsed: Vec<_> = sources.iter().map(|s| written_paths(&s.text)).collect();
    // Absolute paths: `crate::`, `super::` (from the file's module, or from an inline module
    // in it), `agop_collapse::` in the command-line tool.
    let absolute = |source: &Source, written: &Written| -> Option<Vec<String>> {
        let mut segments = written.segments.iter().peekable();
        let mut base: Module = match segments.peek().map(|s| s.as_str()) {
            Some("crate") => Vec::new(),
            Some("agop_collapse") if source.module.first().is_some_and(|m| m == "bin") => Vec::new(),
            Some("super") => {
                segments.next();
                let mut base = source.module.clone();
                if !written.inline {
                    base.pop()?;
                }
                while segments.peek().is_some_and(|s| *s == "super") {
                    segments.next();
                    base.pop()?;
                }
                base.extend(segments.cloned());
                return Some(base);
            }
            _ => return None,
        };
        segments.next();
        base.extend(segments.cloned());
        Some(base)
    };
    // Re-exports of folder modules: (folder, name) -> the path it stands for.
    let mut reexported: BTreeMap<(Module, String), Vec<String>> = BTreeMap::new();
    for (source, (_, reexports)) in sources.iter().zip(&parsed) {
        if !source.folder {
            continue;
        }
        for (segments, alias) in reexports {
            let path = match segments.first().map(String::as_str) {
                Some("crate") => segments[1..].to_vec(),
                Some("super") | Some("self") | None => continue,
                Some(_) => source.module.iter().chain(segments).cloned().collect(),
            };
            reexported.insert((source.module.clone(), alias.clone()), path);
        }
    }
    // The module a path names: the deepest module file it reaches, following re-exports.
    // The modules a path names: the deepest module file it reaches and, when that is a folder
    // whose `mod.rs` re-exports the item, the file the item comes from too (and so on).
    let resolve = |path: &[String]| -> Vec<Module> {
        let mut path = path.to_vec();
        let mut named = Vec::new();
        while named.len() < 8 {
            let reached = (0..=path.len()).rev().find(|&k| modules.contains(&path[..k])).unwrap_or(0);
            let module = path[..reached].to_vec();
            let through = path.get(reached).and_then(|next| reexported.get(&(module.clone(), next.clone())));
            named.push(module.clone());
            match through {
                Some(target) if folders.contains(&module) => {
                    path = target.iter().chain(&path[reached + 1..]).cloned().collect();
                }
                _ => break,
            }
        }
        named
    };
    let mut graph = Graph::new();
    for (source, (written, _)) in sources.iter().zip(&parsed) {
        let edges = graph.entry(name(&source.module)).or_default();
        for w in written {
            let Some(path) = absolute(source, w) else { continue };
            for target in resolve(&path) {
                let below = source.folder && target.len() > source.module.len() && target.starts_with(&source.module);
                if target == source.module || below {
                    continue;
                }
                edges.entry(name(&target)).or_insert_with(|| format!("{}:{}", source.shown, w.line));
            }
        }
    }
    graph
}

/// Circles of the graph, each as the modules along it with the first repeated at the end: one
/// for every edge back to the path of a depth-first search, so none exactly when the graph is
/// acyclic (and every circle shares an edge with one of them).
fn find_circles(graph: &Graph) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
        circles: &mut Vec<Vec<String>>,
    ) {
        marks.insert(node.to_string(), Mark::OnPath);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::OnPath => {
                    let from = path.iter().position(|n| n == next).expect("on the path");
                    let mut circle = path[from..].to_vec();
                    circle.push(next.clone());
                    circles.push(circle);
                }
                Mark::New => visit(next, graph, marks, path, circles),
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
    }
    let (mut marks, mut circles) = (BTreeMap::new(), Vec::new());
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New {
            visit(node, graph, &mut marks, &mut Vec::new(), &mut circles);
        }
    }
    circles
}

/// The message of a circle, with where each of its imports is written.
fn describe(circle: &[String], graph: &Graph) -> String {
    let places: Vec<String> = circle
        .windows(2)
        .map(|pair| format!("  {} -> {} at {}", pair[0], pair[1], graph[&pair[0]][&pair[1]]))
        .collect();
    format!("import circle: {}\n{}", circle.join(" -> "), places.join("\n"))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn src_has_no_import_circle() {
    let graph = import_graph(&sources(&src()));
    let circles = find_circles(&graph);
    let messages: Vec<String> = circles.iter().map(|circle| describe(circle, &graph)).collect();
    assert!(circles.is_empty(), "a module imports only modules below it:\n{}", messages.join("\n"));
}

/// The graph of the real sources holds the imports it must hold, written every way the test
/// reads: so a parser that saw nothing cannot pass the test above.
#[test]
fn the_real_graph_sees_every_kind_of_import() {
    let graph = import_graph(&sources(&src()));
    let has = |from: &str, to: &str| graph.get(from).is_some_and(|edges| edges.contains_key(to));
    for (from, to) in [
        ("agop", "parallel"),                // `use crate::parallel::{...}`
        ("parallel", "sample_pairs"),        // `use crate::sample_pairs::...`
        ("parallel", "error"),               // `crate::Result` inline, re-exported by lib.rs
        ("data::synthetic", "data"),         // `use super::{...}`
        ("data::synthetic", "data::config"), // `super::DataConfig`, re-exported by data/mod.rs
        ("data::csv", "data::config"),       // `super::config::MAX_SAMPLES` inline
        ("plot::bars", "plot::nullable"),    // `deserialize_with = "super::nullable::numbers"`
        ("mlp", "config::mlp"),              // `pub use crate::config::mlp as config`
        ("web::rfm", "web::offload"),        // `use super::offload::...`
        ("bin::main", "seeds"),              // `use agop_collapse::seeds::...`
        ("bin::main", "config::mlp"),        // `agop_collapse::mlp::MlpConfig`, re-exported
        ("bin::main", "mlp"),                // the same path, through mlp/mod.rs
    ] {
        assert!(has(from, to), "the import {from} -> {to} was not seen; the graph: {graph:#?}");
    }
    // Inline test modules' `use super::*` is the file itself, not its parent.
    assert!(!has("plot::legend", "plot"), "`use super::*` in `mod tests` read as the parent");
    assert!(graph.len() > 40, "only {} modules found", graph.len());
}

/// The circle finder on a small graph with a circle, and without it.
#[test]
fn a_circle_is_found_and_named() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string(), format!("src/{a}.rs:1"));
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let circular = graph(&[("agop", "linalg"), ("agop", "parallel"), ("parallel", "kernel"), ("kernel", "agop")]);
    let circles = find_circles(&circular);
    assert_eq!(circles, [["agop", "parallel", "kernel", "agop"]]);
    let message = describe(&circles[0], &circular);
    assert!(message.starts_with("import circle: agop -> parallel -> kernel -> agop"), "{message}");
    assert!(message.contains("kernel -> agop at src/kernel.rs:1"), "{message}");
    let acyclic = graph(&[("agop", "linalg"), ("agop", "parallel"), ("parallel", "kernel"), ("kernel", "linalg")]);
    assert!(find_circles(&acyclic).is_empty());
    let two = graph(&[("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("a", "c")]);
    assert_eq!(find_circles(&two), [["a", "b", "a"], ["c", "d", "c"]], "every circle is named, not the first only");
}

/// The reader on a small crate of sources: grouped trees, inline paths, `super`, re-exports, a
/// folder's `mod.rs` using its children, comments and strings that are not code.
#[test]
fn imports_are_read_from_every_form() {
    let source = |path: &str, text: &str| {
        let mut module: Module = path.split('/').map(String::from).collect();
        let file = module.pop().expect("a file");
        let folder = file == "mod.rs" || file == "lib.rs";
        if !folder {
            module.push(file.trim_end_matches(".rs").to_string());
        }
        Source { module, folder, shown: format!("src/{path}"), text: text.to_string() }
    };
    let sources = [
        source("lib.rs", "pub mod a;\npub mod f;\npub mod m;\npub use a::Thing;\n"),
        source("a.rs", "use crate::{m::{self, Other}, f::g::Deep};\npub struct Thing;\n"),
        source("m.rs", "// use crate::c;\nfn x() -> crate::f::Item { let s = \"crate::f::g::Deep\"; todo!() }\n"),
        source("f/mod.rs", "pub mod g;\npub use g::Deep;\nuse self::g::Deep as D;\npub struct Item;\n"),
        source(
            "f/g.rs",
            "use super::Item;\npub struct Deep;\nfn y() { let _ = crate::Thing; }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
    ];
    let graph = import_graph(&sources);
    let edges = |module: &str| graph[module].keys().cloned().collect::<Vec<_>>();
    assert_eq!(edges("crate"), Vec::<String>::new(), "lib.rs declares every module");
    assert_eq!(edges("a"), ["f::g", "m"]);
    assert_eq!(edges("m"), ["f", "f::g"], "the string's path counts (attributes), the comment's does not");
    assert_eq!(edges("f"), Vec::<String>::new(), "a folder's mod.rs declares the files below it");
    assert_eq!(edges("f::g"), ["a", "crate", "f"], "`crate::Thing` is lib.rs's re-export of `a::Thing`");
    let circles: Vec<String> = find_circles(&graph).iter().map(|c| c.join(" -> ")).collect();
    assert_eq!(circles, ["a -> f::g -> a"]);
}
