//! Keymaps: TOML files mapping action names to key sequences per context, layered (the
//! embedded default, then a preset or `--keymap FILE`, then the user's file), merged action by
//! action, validated in full (every bad line and every conflict reported together, with file
//! and line) and resolved key by key with prefix matching for chords (no timers; Esc cancels).
//!
//! ```toml
//! [patch]
//! next_finding = ["]f", "<tab>"]   # replaces the default keys of next_finding in [patch]
//! toggle_wrap = []                 # unbinds it
//! ```

use super::action::{ACTIONS, Action, Category, Context};
use super::key::{KeyChord, format_sequence, parse_sequence, pretty_sequence};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The embedded default keymap.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");

/// Built-in presets by name; each is merged over the default.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", ""),
    ("vim", include_str!("../../keymaps/vim.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// Where a binding was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One key sequence bound to an action in a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<KeyChord>,
    pub action: Action,
    pub origin: Origin,
}

/// One problem in a keymap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found while loading keymaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapErrors {
    pub problems: Vec<Problem>,
}

impl fmt::Display for KeymapErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "keymap: {n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KeymapErrors {}

impl From<KeymapErrors> for crate::Error {
    fn from(e: KeymapErrors) -> Self {
        crate::Error::Usage(e.to_string().trim_end().to_string())
    }
}

/// What a pending key sequence means in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// A binding matched exactly.
    Matched(Action),
    /// The keys start one or more bindings; wait for the next key.
    Pending,
    /// Nothing starts with these keys.
    NotFound,
}

/// A keymap layer as read from one file.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The file name shown in messages (a path, or `default`, `vim`, ...).
    pub name: String,
    pub text: String,
}

impl Layer {
    /// A built-in preset by name.
    pub fn preset(name: &str) -> Option<Layer> {
        PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Layer {
                name: format!("keymaps/{n}.toml"),
                text: text.to_string(),
            })
    }

    /// Reads a keymap file.
    pub fn read(path: &Path) -> Result<Layer, Problem> {
        std::fs::read_to_string(path)
            .map(|text| Layer {
                name: path.display().to_string(),
                text,
            })
            .map_err(|e| Problem {
                file: path.display().to_string(),
                line: None,
                message: e.to_string(),
            })
    }
}

/// The user's keymap file: `keymap.toml` in patchdesk's config dir (honours
/// `XDG_CONFIG_HOME`); `None` when no home directory is known.
pub fn user_keymap_path() -> Option<PathBuf> {
    crate::fsutil::config_dir().map(|d| d.join("keymap.toml"))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Keys {
    One(String),
    Many(Vec<String>),
}

type RawLayer =
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<Keys>>>;

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The effective keymap.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Bindings per context, in action-table order.
    pub contexts: BTreeMap<Context, Vec<Binding>>,
}

impl Keymap {
    /// The embedded default alone.
    pub fn default_keymap() -> Keymap {
        // The default is tested to load cleanly; an empty map is the fallback that cannot
        // happen in a released build.
        Keymap::from_layers(&[default_layer()]).unwrap_or_default()
    }

    /// Loads the default, then `spec` (a preset name or a file path), then the user file if it
    /// exists. Every problem is collected before returning.
    pub fn load(spec: Option<&str>, user_file: Option<&Path>) -> Result<Keymap, KeymapErrors> {
        let mut layers = vec![default_layer()];
        let mut problems = Vec::new();
        if let Some(spec) = spec {
            match Layer::preset(spec) {
                Some(layer) => layers.push(layer),
                None if Path::new(spec).exists() => match Layer::read(Path::new(spec)) {
                    Ok(l) => layers.push(l),
                    Err(p) => problems.push(p),
                },
                None => problems.push(Problem {
                    file: spec.to_string(),
                    line: None,
                    message: format!(
                        "not a preset ({}) and no such file",
                        PRESETS
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }),
            }
        }
        if let Some(path) = user_file
            && path.exists()
        {
            match Layer::read(path) {
                Ok(l) => layers.push(l),
                Err(p) => problems.push(p),
            }
        }
        match Keymap::from_layers(&layers) {
            Ok(k) if problems.is_empty() => Ok(k),
            Ok(_) => Err(KeymapErrors { problems }),
            Err(mut e) => {
                problems.append(&mut e.problems);
                Err(KeymapErrors { problems })
            }
        }
    }

    /// Merges layers in order (later ones replace an action's keys per context) and validates.
    pub fn from_layers(layers: &[Layer]) -> Result<Keymap, KeymapErrors> {
        let mut problems = Vec::new();
        // (context, action) -> bindings, replaced as a whole by later layers.
        let mut merged: BTreeMap<(Context, Action), Vec<Binding>> = BTreeMap::new();
        for layer in layers {
            // Problems of one file are listed in line order.
            let before = problems.len();
            let raw: RawLayer = match toml::from_str(&layer.text) {
                Ok(raw) => raw,
                Err(e) => {
                    problems.push(Problem {
                        file: layer.name.clone(),
                        line: e.span().map(|s| line_of(&layer.text, s.start)),
                        message: e.message().trim().to_string(),
                    });
                    continue;
                }
            };
            for (ctx_name, table) in raw {
                let ctx_line = line_of(&layer.text, ctx_name.span().start);
                let Some(context) = Context::from_name(ctx_name.get_ref()) else {
                    problems.push(Problem {
                        file: layer.name.clone(),
                        line: Some(ctx_line),
                        message: format!(
                            "unknown context [{}]; contexts are {}",
                            ctx_name.get_ref(),
                            Context::ALL.map(|c| c.name()).join(", ")
                        ),
                    });
                    continue;
                };
                for (action_name, keys) in table {
                    let line = line_of(&layer.text, action_name.span().start);
                    let at = |message: String| Problem {
                        file: layer.name.clone(),
                        line: Some(line),
                        message,
                    };
                    let Some(action) = Action::from_name(action_name.get_ref()) else {
                        problems.push(at(unknown_action(action_name.get_ref())));
                        continue;
                    };
                    if !action.allowed_in(context) {
                        let homes: Vec<_> = action
                            .info()
                            .contexts
                            .iter()
                            .map(|c| format!("[{c}]"))
                            .collect();
                        problems.push(at(format!(
                            "`{action}` does nothing in [{context}]; bind it in {}",
                            homes.join(" or ")
                        )));
                        continue;
                    }
                    let texts = match keys.into_inner() {
                        Keys::One(s) => vec![s],
                        Keys::Many(v) => v,
                    };
                    let mut bindings = Vec::new();
                    for text in texts {
                        match parse_sequence(&text) {
                            Ok(keys) => bindings.push(Binding {
                                keys,
                                action,
                                origin: Origin {
                                    file: layer.name.clone(),
                                    line,
                                },
                            }),
                            Err(e) => problems.push(at(format!("{action}: {e}"))),
                        }
                    }
                    merged.insert((context, action), bindings);
                }
            }
            problems[before..].sort_by_key(|p| p.line);
        }
        let mut keymap = Keymap::default();
        for ((context, _), bindings) in merged {
            keymap.contexts.entry(context).or_default().extend(bindings);
        }
        problems.extend(keymap.conflicts());
        if problems.is_empty() {
            Ok(keymap)
        } else {
            Err(KeymapErrors { problems })
        }
    }

    fn conflicts(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let empty = Vec::new();
        for (context, bindings) in &self.contexts {
            let clash = |a: &Binding, b: &Binding, what: &str| Problem {
                file: b.origin.file.clone(),
                line: Some(b.origin.line),
                message: format!(
                    "[{context}] `{}` ({}) {what} `{}` ({}, {})",
                    format_sequence(&b.keys),
                    b.action,
                    format_sequence(&a.keys),
                    a.action,
                    a.origin
                ),
            };
            for (i, b) in bindings.iter().enumerate() {
                for a in &bindings[..i] {
                    if a.keys == b.keys && a.action != b.action {
                        problems.push(clash(a, b, "is also bound to"));
                    } else if a.keys.starts_with(&b.keys) && a.keys != b.keys {
                        problems.push(clash(a, b, "hides the longer"));
                    } else if b.keys.starts_with(&a.keys) && a.keys != b.keys {
                        problems.push(clash(a, b, "can never be typed: it starts with"));
                    }
                }
            }
            if context.inherits_global() {
                let global = self.contexts.get(&Context::Global).unwrap_or(&empty);
                for b in bindings {
                    for a in global {
                        let proper_prefix = a.keys != b.keys
                            && (a.keys.starts_with(&b.keys) || b.keys.starts_with(&a.keys));
                        if proper_prefix {
                            problems.push(clash(a, b, "overlaps the global"));
                        }
                    }
                }
            }
        }
        problems
    }

    /// The bindings that apply in `context`: its own, then global ones it does not rebind.
    pub fn bindings(&self, context: Context) -> Vec<&Binding> {
        let own: Vec<&Binding> = self
            .contexts
            .get(&context)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let mut all = own.clone();
        if context.inherits_global()
            && let Some(global) = self.contexts.get(&Context::Global)
        {
            for g in global {
                if !own.iter().any(|b| b.keys == g.keys) {
                    all.push(g);
                }
            }
        }
        all
    }

    /// What the keys typed so far mean in `context`.
    pub fn resolve(&self, context: Context, pending: &[KeyChord]) -> Resolution {
        let mut prefix = false;
        for b in self.bindings(context) {
            if b.keys == pending {
                return Resolution::Matched(b.action);
            }
            if b.keys.starts_with(pending) {
                prefix = true;
            }
        }
        if prefix {
            Resolution::Pending
        } else {
            Resolution::NotFound
        }
    }

    /// The key sequences bound to `action` in `context` (including inherited global ones).
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        self.bindings(context)
            .into_iter()
            .filter(|b| b.action == action)
            .map(|b| format_sequence(&b.keys))
            .collect()
    }

    /// The first key sequence bound to `action` in `context`, written for people.
    pub fn hint(&self, context: Context, action: Action) -> Option<String> {
        self.bindings(context)
            .into_iter()
            .find(|b| b.action == action)
            .map(|b| pretty_sequence(&b.keys))
    }

    /// Help rows for a context: (category, keys, description), grouped by category in
    /// action-table order, one row per action.
    pub fn help_rows(&self, context: Context) -> Vec<(Category, String, &'static str)> {
        let bindings = self.bindings(context);
        let mut rows = Vec::new();
        for info in ACTIONS {
            let keys: Vec<String> = bindings
                .iter()
                .filter(|b| b.action == info.action)
                .map(|b| pretty_sequence(&b.keys))
                .collect();
            if !keys.is_empty() {
                rows.push((info.category, keys.join(" "), info.description));
            }
        }
        rows.sort_by_key(|r| r.0);
        rows
    }

    /// The effective keymap as text for `patchdesk keys`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for context in Context::ALL {
            let Some(bindings) = self.contexts.get(&context) else {
                continue;
            };
            if bindings.is_empty() {
                continue;
            }
            out.push_str(&format!("[{context}]\n"));
            for (keys, action, desc) in grouped(bindings) {
                out.push_str(&format!("  {keys:<20} {:<24} {desc}\n", action.name()));
            }
            out.push('\n');
        }
        out
    }

    /// The effective keymap as a Markdown table (the README's key table).
    pub fn to_markdown(&self) -> String {
        let mut out =
            String::from("| Context | Keys | Action | What it does |\n|---|---|---|---|\n");
        for context in Context::ALL {
            let Some(bindings) = self.contexts.get(&context) else {
                continue;
            };
            for (keys, action, desc) in grouped(bindings) {
                let keys = keys
                    .split(' ')
                    .map(|k| format!("`{}`", k.replace('|', "\\|")))
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push_str(&format!(
                    "| {context} | {keys} | `{}` | {desc} |\n",
                    action.name()
                ));
            }
        }
        out
    }
}

fn grouped(bindings: &[Binding]) -> Vec<(String, Action, &'static str)> {
    let mut out: Vec<(String, Action, &'static str)> = Vec::new();
    for b in bindings {
        let keys = format_sequence(&b.keys);
        match out.iter_mut().find(|(_, a, _)| *a == b.action) {
            Some(row) => {
                row.0.push(' ');
                row.0.push_str(&keys);
            }
            None => out.push((keys, b.action, b.action.description())),
        }
    }
    out.sort_by_key(|(_, a, _)| *a);
    out
}

fn default_layer() -> Layer {
    Layer {
        name: "keymaps/default.toml".to_string(),
        text: DEFAULT_KEYMAP.to_string(),
    }
}

fn unknown_action(name: &str) -> String {
    let best = ACTIONS
        .iter()
        .map(|i| (strsim::jaro_winkler(name, i.name), i.name))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, suggestion)) if score > 0.8 => {
            format!("unknown action `{name}`; did you mean `{suggestion}`?")
        }
        _ => format!("unknown action `{name}` (`patchdesk keys` lists them)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::key::KeyChord;

    fn layer(name: &str, text: &str) -> Layer {
        Layer {
            name: name.into(),
            text: text.into(),
        }
    }

    fn keys(s: &str) -> Vec<KeyChord> {
        parse_sequence(s).unwrap()
    }

    #[test]
    fn shipped_keymaps_load_without_problems() {
        for (name, _) in PRESETS {
            let k = Keymap::load(Some(name), None);
            assert!(k.is_ok(), "{name}: {}", k.unwrap_err());
        }
    }

    #[test]
    fn every_preset_binds_the_decide_and_remember_keys() {
        let wanted = [
            (Context::Queue, Action::AddPatchNote),
            (Context::Queue, Action::NotesList),
            (Context::Patch, Action::AddPatchNote),
            (Context::Patch, Action::EditNote),
            (Context::Patch, Action::EditNoteInEditor),
            (Context::Patch, Action::NotesList),
            (Context::Patch, Action::AcceptReplyTrailer),
            (Context::Notes, Action::Open),
            (Context::Notes, Action::Back),
            (Context::Notes, Action::DeleteNote),
            (Context::Notes, Action::EditNote),
            (Context::Notes, Action::MoveDown),
        ];
        for (name, _) in PRESETS {
            let k = Keymap::load(Some(name), None).unwrap();
            for (context, action) in wanted {
                let keys = k.keys_for(context, action);
                assert!(!keys.is_empty(), "{name}: {action} in [{context}]");
                // Each key reaches the action there (no other binding shadows it).
                for key in keys {
                    assert_eq!(
                        k.resolve(context, &parse_sequence(&key).unwrap()),
                        Resolution::Matched(action),
                        "{name}: `{key}` in [{context}]"
                    );
                }
            }
        }
    }

    #[test]
    fn user_layer_replaces_one_action_and_keeps_the_rest() {
        let user = layer("user.toml", "[patch]\nnext_finding = [\"<c-n>\", \"zf\"]\n");
        let k = Keymap::from_layers(&[default_layer(), user]).unwrap();
        assert_eq!(
            k.resolve(Context::Patch, &keys("<c-n>")),
            Resolution::Matched(Action::NextFinding)
        );
        assert_eq!(k.resolve(Context::Patch, &keys("z")), Resolution::Pending);
        assert_eq!(
            k.resolve(Context::Patch, &keys("zf")),
            Resolution::Matched(Action::NextFinding)
        );
        // The default key of next_finding is gone, other defaults stay.
        let default = Keymap::default_keymap();
        let old = default.keys_for(Context::Patch, Action::NextFinding);
        assert!(!old.is_empty());
        for o in old {
            assert!(!k.keys_for(Context::Patch, Action::NextFinding).contains(&o));
        }
        assert_eq!(
            k.keys_for(Context::Patch, Action::NextHunk),
            default.keys_for(Context::Patch, Action::NextHunk)
        );
    }

    #[test]
    fn empty_list_unbinds() {
        let user = layer("user.toml", "[patch]\ntoggle_wrap = []\n");
        let k = Keymap::from_layers(&[default_layer(), user]).unwrap();
        assert!(k.keys_for(Context::Patch, Action::ToggleWrap).is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_file_and_line() {
        let user = layer(
            "user.toml",
            "[queue]\nmove_dwn = [\"j\"]\nopen = [\"<ctrl+x>\"]\nnext_finding = [\"n\"]\n[lists]\nx = \"y\"\n",
        );
        let e = Keymap::from_layers(&[default_layer(), user]).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("user.toml:2: unknown action `move_dwn`; did you mean `move_down`?"),
            "{text}"
        );
        assert!(text.contains("user.toml:3: open: `<ctrl+x>`"), "{text}");
        assert!(
            text.contains("user.toml:4: `next_finding` does nothing in [queue]"),
            "{text}"
        );
        assert!(
            text.contains("user.toml:5: unknown context [lists]"),
            "{text}"
        );
        assert_eq!(e.problems.len(), 4, "{text}");
    }

    #[test]
    fn toml_syntax_errors_carry_a_line() {
        let e = Keymap::from_layers(&[layer("bad.toml", "[queue]\nopen = [\n")]).unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].file, "bad.toml");
        assert!(e.problems[0].line.is_some());
    }

    #[test]
    fn conflicts_are_reported_with_both_places() {
        let user = layer("user.toml", "[queue]\nfold_all = [\"<tab>\"]\n");
        let e = Keymap::from_layers(&[default_layer(), user]).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("`<tab>`"), "{text}");
        assert!(
            text.contains("toggle_fold") && text.contains("fold_all"),
            "{text}"
        );
        assert!(
            text.contains("user.toml:2") && text.contains("keymaps/default.toml:"),
            "{text}"
        );
    }

    #[test]
    fn rebinding_a_global_key_in_a_context_is_an_override_not_a_conflict() {
        let user = layer("user.toml", "[queue]\nfold_all = [\"j\"]\n");
        let k = Keymap::from_layers(&[default_layer(), user]).unwrap();
        assert_eq!(
            k.resolve(Context::Queue, &keys("j")),
            Resolution::Matched(Action::FoldAll)
        );
        assert_eq!(
            k.resolve(Context::Patch, &keys("j")),
            Resolution::Matched(Action::MoveDown)
        );
    }

    #[test]
    fn a_prefix_of_another_binding_is_a_conflict() {
        let l = layer(
            "k.toml",
            "[patch]\nnext_hunk = [\"g\"]\nnext_file = [\"gf\"]\n",
        );
        let e = Keymap::from_layers(&[l]).unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
    }

    #[test]
    fn chords_resolve_by_prefix_and_unknown_keys_are_not_found() {
        let l = layer(
            "k.toml",
            "[global]\nquit = [\"<c-x><c-c>\"]\n[queue]\nmove_down = \"j\"\n",
        );
        let k = Keymap::from_layers(&[l]).unwrap();
        assert_eq!(
            k.resolve(Context::Queue, &keys("<c-x>")),
            Resolution::Pending
        );
        assert_eq!(
            k.resolve(Context::Queue, &keys("<c-x><c-c>")),
            Resolution::Matched(Action::Quit)
        );
        assert_eq!(
            k.resolve(Context::Queue, &keys("<c-x>j")),
            Resolution::NotFound
        );
        assert_eq!(
            k.resolve(Context::Queue, &keys("j")),
            Resolution::Matched(Action::MoveDown)
        );
        // Global bindings do not reach the prompt.
        assert_eq!(
            k.resolve(Context::Prompt, &keys("<c-x>")),
            Resolution::NotFound
        );
    }

    #[test]
    fn context_binding_overrides_global_for_the_same_keys() {
        let l = layer("k.toml", "[global]\nquit = \"q\"\n[patch]\nback = \"q\"\n");
        let k = Keymap::from_layers(&[l]).unwrap();
        assert_eq!(
            k.resolve(Context::Patch, &keys("q")),
            Resolution::Matched(Action::Back)
        );
        assert_eq!(
            k.resolve(Context::Queue, &keys("q")),
            Resolution::Matched(Action::Quit)
        );
    }

    #[test]
    fn load_reports_a_missing_keymap_file_and_ignores_a_missing_user_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("keymap.toml");
        assert!(Keymap::load(None, Some(&missing)).is_ok());
        let e = Keymap::load(Some("no-such-preset"), None).unwrap_err();
        assert!(e.to_string().contains("not a preset"), "{e}");
        std::fs::write(&missing, "[queue]\nopen = [\"o\"]\n").unwrap();
        let k = Keymap::load(Some("vim"), Some(&missing)).unwrap();
        assert_eq!(
            k.keys_for(Context::Queue, Action::Open),
            vec!["o".to_string()]
        );
    }

    #[test]
    fn text_and_markdown_list_every_binding() {
        let k = Keymap::default_keymap();
        let text = k.to_text();
        let md = k.to_markdown();
        for (context, bindings) in &k.contexts {
            for b in bindings {
                assert!(text.contains(b.action.name()), "{context} {}", b.action);
                assert!(md.contains(&format!("| {context} |")));
            }
        }
    }
}
