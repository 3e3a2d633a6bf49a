//! Errors and warnings about a spec, each pointing at the file, line and JSON pointer it concerns.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Legal but suspicious input; generation goes on.
    Warning,
    /// Input the generator cannot turn into a correct crate; nothing is written.
    Error,
}

/// What a warning reports, for summaries and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// Anything not listed below (every error).
    #[default]
    General,
    /// An operation is not generated.
    Skipped,
    /// Something is generated less precisely than the spec states (a type becomes
    /// `serde_json::Value`, a condition is not checked, a field becomes optional).
    Degraded,
    /// A name had to change to stay unique or legal.
    Renamed,
    /// A schema no operation uses.
    Unused,
    /// An operation documents no errors.
    Undocumented,
}

impl Finding {
    /// A short label (`skipped`, `degraded`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Finding::General => "general",
            Finding::Skipped => "skipped",
            Finding::Degraded => "degraded",
            Finding::Renamed => "renamed",
            Finding::Unused => "unused",
            Finding::Undocumented => "undocumented",
        }
    }
}

/// One finding about the spec: what is wrong, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of finding it is.
    pub kind: Finding,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file as the user named it (or as a `$ref` named it relative to the root).
    pub file: String,
    /// 1-based line and column, when known.
    pub line_column: Option<(usize, usize)>,
    /// The JSON pointer of the offending node inside `file`, when the problem is a node.
    pub pointer: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `file`, without a location yet.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            kind: Finding::General,
            message: message.into(),
            file: file.into(),
            line_column: None,
            pointer: None,
            help: None,
        }
    }

    /// A warning about `file`, without a location yet.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }

    /// Points the diagnostic at a node.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Adds the line and column.
    pub fn line(mut self, line: usize, column: usize) -> Self {
        self.line_column = Some((line, column));
        self
    }

    /// Says what kind of finding it is.
    pub fn kind(mut self, kind: Finding) -> Self {
        self.kind = kind;
        self
    }

    /// Says what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " at {}", if pointer.is_empty() { "/" } else { pointer })?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything the generator found wrong with a spec; returned when at least one is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON-pointer token.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends a token to a JSON pointer.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}
