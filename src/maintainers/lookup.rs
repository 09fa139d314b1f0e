//! Who should see a patch: the sections its files fall in (deepest pattern first, then
//! file order), the sections its keywords name, and their people and lists, de-duplicated
//! and with the role strings `get_maintainer.pl` prints.

use std::collections::HashSet;

use serde::Serialize;

use super::parse::{Dialect, Maintainers, Tv};
use super::scan::PatchScan;

/// One address to copy, as the script lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The name (empty for lists and bare addresses).
    pub name: String,
    pub email: String,
    /// `maintainer`, `reviewer`, `supporter`, `odd fixer`, `orphan minder`, `obsolete
    /// minder`, `open list`, `moderated list`, … (the script's words).
    pub role: String,
    /// The full title of the section that named it first.
    pub section: String,
    /// That title as the script prints it (shortened in its dialect's way).
    #[serde(skip)]
    pub script_section: String,
}

impl Person {
    /// The line `get_maintainer.pl` prints with its default role statistics.
    pub fn script_line(&self) -> String {
        let addr = format_email(&self.name, &self.email);
        let section = &self.script_section;
        let is_list = self.role.ends_with(" list");
        if is_list && section == "THE REST" {
            format!("{addr} ({})", self.role)
        } else {
            format!("{addr} ({}:{section})", self.role)
        }
    }

    /// Is this one of the section's own people (not a list)?
    pub fn is_person(&self) -> bool {
        !self.role.ends_with(" list")
    }
}

/// What the file says about one patch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Lookup {
    /// People first, then lists, in the script's order.
    pub people: Vec<Person>,
    /// Titles of the sections touched, in the order they were taken, each once.
    pub sections: Vec<String>,
    /// Files of the patch that no section covers.
    #[serde(skip)]
    pub uncovered: Vec<String>,
}

impl Maintainers {
    /// The script's answer for one patch.
    pub fn lookup(&self, scan: &PatchScan) -> Lookup {
        let mut order: Vec<usize> = Vec::new();
        let mut uncovered = Vec::new();
        let mut candidates: Vec<usize> = Vec::new();
        // (section, rule, depth) of every rule that matches the file.
        let mut rules: Vec<(usize, usize, i64)> = Vec::new();
        let mut hits: Vec<(usize, i64)> = Vec::new();
        for file in &scan.files {
            let slashes = file.matches('/').count();
            candidates.clear();
            for &len in &self.prefix_lens {
                if len > file.len() {
                    break;
                }
                if file.is_char_boundary(len)
                    && let Some(v) = self.by_prefix.get(&file[..len])
                {
                    candidates.extend_from_slice(v);
                }
            }
            candidates.extend_from_slice(&self.always);
            rules.clear();
            for &p in &candidates {
                let pattern = &self.patterns[p];
                if pattern.matches_counted(file, slashes) {
                    let depth = pattern.depth;
                    rules.extend(self.pattern_users[p].iter().map(|&(s, r)| (s, r, depth)));
                }
            }
            for (n, re) in self.name_regexes.iter().enumerate() {
                if re.is_match(file).unwrap_or(false) {
                    rules.extend(self.name_users[n].iter().map(|&(s, r)| (s, r, 0)));
                }
            }
            // Section order, and within a section file order: the last rule that matches
            // gives the section's depth, as the script's loop leaves it.
            rules.sort_unstable();
            hits.clear();
            for (i, &(s, _, depth)) in rules.iter().enumerate() {
                if rules.get(i + 1).is_some_and(|next| next.0 == s) {
                    continue;
                }
                let excluded = self.sections[s]
                    .excludes
                    .iter()
                    .any(|&x| self.patterns[x].matches_counted(file, slashes));
                if !excluded {
                    hits.push((s, depth));
                }
            }
            if hits.is_empty() {
                uncovered.push(file.clone());
            }
            // Deepest first; the script leaves ties to Perl's hash order, we keep file order.
            hits.sort_by_key(|&(s, d)| (std::cmp::Reverse(d), s));
            order.extend(hits.iter().map(|&(s, _)| s));
        }
        let mut kw: Vec<usize> = Vec::new();
        let set = &self.keyword_set;
        for line in &scan.keyword_lines {
            let regexes = if line.in_diff {
                &set.diffed
            } else {
                &set.plain
            };
            if let Some(regexes) = regexes {
                for k in regexes.matches(&line.text).iter() {
                    let group = &set.groups[set.members[k]];
                    kw.extend(group.iter().map(|&k| self.keywords[k].0));
                }
            }
            for &g in &set.one_by_one {
                let group = &set.groups[g];
                let (_, plain, diffed) = &self.keywords[group[0]];
                let re = if line.in_diff { diffed } else { plain };
                if re.is_match(&line.text).unwrap_or(false) {
                    kw.extend(group.iter().map(|&k| self.keywords[k].0));
                }
            }
        }
        // The script sorts the keyword lines' indices as strings.
        let mut kw: Vec<String> = kw.into_iter().map(|i| i.to_string()).collect();
        kw.sort();
        kw.dedup();
        for i in kw {
            if let Some(s) = i.parse::<usize>().ok().and_then(|i| self.section_of[i]) {
                order.push(s);
            }
        }
        let mut out = Collect {
            dialect: self.dialect,
            ..Collect::default()
        };
        for s in order {
            self.add_categories(s, &mut out);
        }
        let mut people = out.people;
        people.extend(out.lists);
        // merge_email: one line per formatted address.
        let mut seen = HashSet::new();
        people.retain(|p| seen.insert(format_email(&p.name, &p.email)));
        Lookup {
            people,
            sections: out.sections,
            uncovered,
        }
    }

    fn add_categories(&self, s: usize, out: &mut Collect) {
        let section = &self.sections[s];
        if !out.sections.contains(&section.title) {
            out.sections.push(section.title.clone());
        }
        let status = (section.start + 1..section.end)
            .filter_map(|i| match &self.lines[i] {
                Tv::Typed('S', v) => Some(v.as_str()),
                _ => None,
            })
            .next_back();
        let role = maintainer_role(status);
        for i in section.start + 1..section.end {
            let Tv::Typed(kind, value) = &self.lines[i] else {
                continue;
            };
            match kind {
                'L' => {
                    let (address, extra) = match value.split_once(char::is_whitespace) {
                        Some((a, rest)) if !rest.trim_start().is_empty() || rest.is_empty() => {
                            (a, rest.trim_start())
                        }
                        _ => (value.trim_end(), ""),
                    };
                    if extra.contains("subscribers-only") {
                        continue;
                    }
                    if out.list_seen.insert(address.to_ascii_lowercase()) {
                        let role = if extra.contains("moderated") {
                            "moderated list"
                        } else {
                            "open list"
                        };
                        out.lists.push(Person {
                            name: String::new(),
                            email: address.to_string(),
                            role: role.into(),
                            section: section.title.clone(),
                            script_section: short_section(&section.title, self.dialect),
                        });
                    }
                }
                'M' | 'R' => {
                    let (mut name, address) = parse_email(value);
                    if name.is_empty()
                        && self.dialect == Dialect::Qemu
                        && i > 0
                        && let Tv::Typed('P', p) = &self.lines[i - 1]
                    {
                        name = parse_email(&format!("{p} <{address}>")).0;
                    }
                    let role = if *kind == 'M' {
                        role.as_str()
                    } else {
                        "reviewer"
                    };
                    out.push(name, address, role, &section.title);
                }
                _ => {}
            }
        }
    }
}

#[derive(Default)]
struct Collect {
    dialect: Dialect,
    people: Vec<Person>,
    lists: Vec<Person>,
    sections: Vec<String>,
    names: HashSet<String>,
    addresses: HashSet<String>,
    list_seen: HashSet<String>,
}

impl Collect {
    /// push_email_address with duplicates removed by name or address.
    fn push(&mut self, name: String, address: String, role: &str, section: &str) {
        if address.is_empty() {
            return;
        }
        // The address first: a section's people seen before stop there, without quoting.
        let laddr = address.to_ascii_lowercase();
        if self.addresses.contains(&laddr) {
            return;
        }
        let lname = quote_name(&name).to_ascii_lowercase();
        if !name.is_empty() && self.names.contains(&lname) {
            return;
        }
        if !name.is_empty() {
            self.names.insert(lname);
        }
        self.addresses.insert(laddr);
        self.people.push(Person {
            name,
            email: address,
            role: role.into(),
            section: section.into(),
            script_section: short_section(section, self.dialect),
        });
    }
}

/// The role of an `M:` line from the section's (last) `S:` line.
fn maintainer_role(status: Option<&str>) -> String {
    let role = status.unwrap_or("unknown").to_lowercase();
    match role.as_str() {
        "supported" => "supporter".into(),
        "maintained" => "maintainer".into(),
        "odd fixes" => "odd fixer".into(),
        "orphan" => "orphan minder".into(),
        "obsolete" => "obsolete minder".into(),
        "buried alive in reporters" => "chief penguin".into(),
        _ => role,
    }
}

/// The script's section name in output: Linux's keeps 50 bytes, else 47 and `...`;
/// QEMU's keeps 20, else 17 without parentheses and `...`.
fn short_section(title: &str, dialect: Dialect) -> String {
    let (max, keep) = match dialect {
        Dialect::Linux => (50, 47),
        Dialect::Qemu => (20, 17),
    };
    if title.len() <= max {
        return title.to_string();
    }
    let mut cut = keep;
    while !title.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut short = title[..cut].trim_end().to_string();
    if dialect == Dialect::Qemu {
        short.retain(|c| c != '(' && c != ')');
    }
    format!("{short}...")
}

/// The script's parse_email: (name without quotes, address).
pub(crate) fn parse_email(text: &str) -> (String, String) {
    let (name, address) = if let Some((n, rest)) = text
        .split_once('<')
        .filter(|(n, rest)| !n.is_empty() && rest.contains('@') && rest.contains('>'))
    {
        let end = rest.rfind('>').unwrap_or(rest.len());
        (n, &rest[..end])
    } else if let Some(rest) = text.trim_start().strip_prefix('<') {
        let end = rest.rfind('>').unwrap_or(rest.len());
        ("", &rest[..end])
    } else if let Some(at) = text.rfind('@') {
        let tail = text[at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |e| at + e);
        ("", &text[..tail])
    } else {
        ("", "")
    };
    let name = name.trim();
    let name = name.strip_prefix('"').unwrap_or(name);
    let name = name.strip_suffix('"').unwrap_or(name);
    (name.to_string(), address.trim().to_string())
}

/// A name as the script writes it: quoted when it has anything but word characters,
/// spaces and `-` (the script reads bytes, so any non-ASCII letter counts).
fn quote_name(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '-')
    {
        name.to_string()
    } else {
        let mut out = String::from("\"");
        let mut prev = ' ';
        for c in name.chars() {
            if c == '"' && prev != '\\' {
                out.push('\\');
            }
            out.push(c);
            prev = c;
        }
        out.push('"');
        out
    }
}

/// The script's format_email with names.
pub(crate) fn format_email(name: &str, address: &str) -> String {
    if name.is_empty() {
        address.to_string()
    } else {
        format!("{} <{address}>", quote_name(name))
    }
}
