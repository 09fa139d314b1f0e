//! The desk's vocabulary: every command a key can trigger is one [`Action`] variant, named in
//! snake_case exactly as keymap files spell it, with a description and a category. This one
//! table drives keymap parsing, the help overlay, `patchdesk keys` and the README key table.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a key is pressed: each context has its own bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// Bindings that apply in the queue and patch views unless those rebind the key.
    Global,
    /// The queue: series and patches as a tree.
    Queue,
    /// One patch: header, message, notes, diff.
    Patch,
    /// The file list over a patch.
    Files,
    /// The help overlay.
    Help,
    /// A text prompt (filter, search); unbound printable keys are typed into it.
    Prompt,
    /// A small list to pick one entry from (the status picker).
    Picker,
    /// The preview of a trailer before it is recorded.
    Confirm,
    /// The confirm step of an export or apply, with its options.
    Export,
    /// The list of every note of the queue.
    Notes,
}

impl Context {
    /// Every context, in the order files and help list them.
    pub const ALL: [Context; 10] = [
        Context::Global,
        Context::Queue,
        Context::Patch,
        Context::Files,
        Context::Help,
        Context::Prompt,
        Context::Picker,
        Context::Confirm,
        Context::Export,
        Context::Notes,
    ];

    /// The name used in keymap files (`[queue]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Patch => "patch",
            Context::Files => "files",
            Context::Help => "help",
            Context::Prompt => "prompt",
            Context::Picker => "picker",
            Context::Confirm => "confirm",
            Context::Export => "export",
            Context::Notes => "notes",
        }
    }

    /// Parses a keymap file's table name.
    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// True when `global` bindings also apply here (all but the prompt, where keys type).
    pub fn inherits_global(self) -> bool {
        !matches!(self, Context::Global | Context::Prompt)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an action is about, for grouping in help and docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    General,
    Movement,
    Queue,
    Findings,
    Navigation,
    Search,
    Display,
    Triage,
    Prompt,
}

impl Category {
    /// The heading shown in help and docs.
    pub fn title(self) -> &'static str {
        match self {
            Category::General => "General",
            Category::Movement => "Movement",
            Category::Queue => "Queue",
            Category::Findings => "Findings",
            Category::Navigation => "Patch navigation",
            Category::Search => "Search",
            Category::Display => "Display",
            Category::Triage => "Triage",
            Category::Prompt => "Prompt editing",
        }
    }
}

macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $cat:ident, [$($ctx:ident),*], $desc:literal; )*) => {
        /// A command a key can trigger. Serde names are the keymap names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $( $(#[$doc])* #[doc = $desc] $variant, )*
        }

        /// One row of the action table.
        #[derive(Debug, Clone, Copy)]
        pub struct ActionInfo {
            pub action: Action,
            /// The keymap name (`next_finding`).
            pub name: &'static str,
            pub category: Category,
            /// The contexts the action means something in.
            pub contexts: &'static [Context],
            /// One line for help and docs.
            pub description: &'static str,
        }

        /// Every action, in help order.
        pub const ACTIONS: &[ActionInfo] = &[
            $( ActionInfo {
                action: Action::$variant,
                name: $name,
                category: Category::$cat,
                contexts: &[$(Context::$ctx),*],
                description: $desc,
            }, )*
        ];
    };
}

actions! {
    Quit = "quit", General, [Global, Queue, Patch], "Quit patchdesk";
    Help = "help", General, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export], "Show or hide this help";
    Back = "back", General, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Close the overlay or patch; clear a pending key";
    MoveDown = "move_down", Movement, [Global, Queue, Patch, Files, Help, Prompt, Picker, Confirm, Export, Notes], "Move down one line";
    MoveUp = "move_up", Movement, [Global, Queue, Patch, Files, Help, Prompt, Picker, Confirm, Export, Notes], "Move up one line";
    PageDown = "page_down", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Move down one page";
    PageUp = "page_up", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Move up one page";
    HalfPageDown = "half_page_down", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Move down half a page";
    HalfPageUp = "half_page_up", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Move up half a page";
    GoTop = "go_top", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Go to the top";
    GoBottom = "go_bottom", Movement, [Global, Queue, Patch, Files, Help, Picker, Confirm, Export, Notes], "Go to the bottom";
    Open = "open", Queue, [Queue, Files, Picker, Confirm, Export, Notes], "Open the selected patch (or fold a series); jump to the selected file or note; pick or confirm";
    ToggleFold = "toggle_fold", Queue, [Queue], "Fold or unfold the selected series";
    FoldAll = "fold_all", Queue, [Queue], "Fold every series";
    UnfoldAll = "unfold_all", Queue, [Queue], "Unfold every series";
    Filter = "filter", Queue, [Queue], "Filter the queue (fuzzy; author: status: has:error rule: maintainer: section: mine)";
    ClearFilter = "clear_filter", Queue, [Queue], "Clear the filter";
    SortByDate = "sort_by_date", Queue, [Queue], "Sort series by date, newest first";
    SortBySubject = "sort_by_subject", Queue, [Queue], "Sort series by subject";
    SortByAuthor = "sort_by_author", Queue, [Queue], "Sort series by author";
    SortByFindings = "sort_by_findings", Queue, [Queue], "Sort series by findings, worst first";
    SortMineFirst = "sort_mine_first", Queue, [Queue], "Sort series that are mine first, then by date";
    ReverseSort = "reverse_sort", Queue, [Queue], "Reverse the sort order";
    NextFinding = "next_finding", Findings, [Patch], "Jump to the next finding";
    PrevFinding = "prev_finding", Findings, [Patch], "Jump to the previous finding";
    ToggleInlineFindings = "toggle_inline_findings", Findings, [Patch], "Show or hide finding messages under their lines";
    ToggleFindingsPane = "toggle_findings_pane", Findings, [Patch], "Show or hide the findings pane";
    NextHunk = "next_hunk", Navigation, [Patch], "Jump to the next hunk";
    PrevHunk = "prev_hunk", Navigation, [Patch], "Jump to the previous hunk";
    NextFile = "next_file", Navigation, [Patch], "Jump to the next file";
    PrevFile = "prev_file", Navigation, [Patch], "Jump to the previous file";
    NextPatch = "next_patch", Navigation, [Patch], "Open the next patch in the queue";
    PrevPatch = "prev_patch", Navigation, [Patch], "Open the previous patch in the queue";
    FileList = "file_list", Navigation, [Patch], "List the patch's files to jump to one";
    ShowInterdiff = "show_interdiff", Navigation, [Patch], "Show what changed since the previous version of this patch, new findings marked (again: back to the patch)";
    ShowPrevious = "show_previous", Navigation, [Patch], "Show the previous version of this patch (again: back to this version)";
    RangeDiff = "range_diff", Navigation, [Queue, Patch], "Show the series against its previous version, as git range-diff does";
    OpenPair = "open_pair", Navigation, [Patch], "In a range-diff, open the pair at the top line: its interdiff when it changed, else the patch";
    Search = "search", Search, [Patch], "Search the patch";
    SearchNext = "search_next", Search, [Patch], "Jump to the next search match";
    SearchPrev = "search_prev", Search, [Patch], "Jump to the previous search match";
    ToggleWrap = "toggle_wrap", Display, [Patch], "Wrap long lines or cut them";
    SetStatus = "set_status", Triage, [Queue, Patch], "Set the review status of the selected patch or series";
    Undo = "undo", Triage, [Queue, Patch], "Undo the last desk change (this session's changes only)";
    AddNote = "add_note", Triage, [Patch], "Add a note on the line at the top of the view";
    DeleteNote = "delete_note", Triage, [Patch, Notes], "Delete the selected note (else the first on screen)";
    EditNote = "edit_note", Triage, [Patch, Notes], "Edit the selected note in a prompt (one-line notes)";
    EditNoteInEditor = "edit_note_in_editor", Triage, [Patch, Notes], "Edit the selected note in $VISUAL or $EDITOR";
    AcceptReplyTrailer = "accept_reply_trailer", Triage, [Patch], "Accept the first warned reply trailer on screen";
    NotesList = "notes_list", Triage, [Queue, Patch, Notes], "List every note of the queue: open, edit or delete one there";
    AddPatchNote = "add_patch_note", Triage, [Queue, Patch], "Add a note on the whole patch (series row: the series)";
    Ack = "ack", Triage, [Queue, Patch], "Add your Acked-by to the selected patch (a cover letter: its series), after a preview";
    Review = "review", Triage, [Queue, Patch], "Add your Reviewed-by, after a preview";
    Tested = "tested", Triage, [Queue, Patch], "Add your Tested-by, after a preview";
    ExportReplies = "export_replies", Triage, [Queue, Patch], "Write review replies (the selected series, or all) to an mbox, after a confirm";
    ExportSeries = "export_series", Triage, [Queue, Patch], "Write the selected series with its trailers to an mbox for git am, after a confirm";
    ApplySeries = "apply_series", Triage, [Queue, Patch], "Apply the selected series as commits on a new branch of a repository, after a confirm";
    ExportRecord = "export_record", Triage, [Queue, Patch], "Write the triage record of every series (JSON or mbox) to a file, after a confirm";
    ExportForce = "export_force", Triage, [Export], "At an export's confirm: replace the output file if it exists";
    ExportSignoff = "export_signoff", Triage, [Export], "At an export's confirm: add your Signed-off-by last to each patch";
    ExportAllowMissing = "export_allow_missing", Triage, [Export], "At an export's confirm: go ahead although patches of the series are missing";
    ExportFormat = "export_format", Triage, [Export], "At an export's confirm: switch the record between JSON and mbox";
    ExportBranch = "export_branch", Triage, [Export], "At an apply's confirm: name the branch to create";
    ExportOnto = "export_onto", Triage, [Export], "At an apply's confirm: name the commit to start from";
    NextNote = "next_note", Triage, [Patch], "Jump to the next note";
    PrevNote = "prev_note", Triage, [Patch], "Jump to the previous note";
    PromptSubmit = "prompt_submit", Prompt, [Prompt], "Accept the prompt";
    PromptCancel = "prompt_cancel", Prompt, [Prompt], "Cancel the prompt";
    PromptBackspace = "prompt_backspace", Prompt, [Prompt], "Delete the character before the cursor";
    PromptDeleteWord = "prompt_delete_word", Prompt, [Prompt], "Delete the word before the cursor";
    PromptClear = "prompt_clear", Prompt, [Prompt], "Clear the prompt";
}

impl Action {
    /// The action's row in [`ACTIONS`].
    pub fn info(self) -> &'static ActionInfo {
        // The macro lists variants and table rows in the same order.
        &ACTIONS[self as usize]
    }

    /// The keymap name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// One line for help and docs.
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// The help group.
    pub fn category(self) -> Category {
        self.info().category
    }

    /// Looks an action up by its keymap name.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|i| i.name == name).map(|i| i.action)
    }

    /// True when binding the action in `context` means something.
    pub fn allowed_in(self, context: Context) -> bool {
        self.info().contexts.contains(&context)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_the_serde_names() {
        for info in ACTIONS {
            let json = serde_json::to_string(&info.action).unwrap();
            assert_eq!(json, format!("\"{}\"", info.name));
            assert_eq!(Action::from_name(info.name), Some(info.action));
            assert!(!info.description.is_empty());
            assert!(!info.contexts.is_empty());
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = ACTIONS.iter().map(|i| i.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len());
    }

    #[test]
    fn contexts_round_trip_by_name() {
        for c in Context::ALL {
            assert_eq!(Context::from_name(c.name()), Some(c));
        }
        assert_eq!(Context::from_name("list"), None);
    }
}
