//! The formula grammar of the ledger: a hand-written recursive-descent parser.
//!
//! ```text
//! claim   := formula ( "==" | "<=" | ">=" | "<" | ">" ) formula
//! formula := term   ( ( "+" | "-" ) term )*
//! term    := unary  ( ( "*" | "×" | "/" ) unary )*
//! unary   := "-" unary | power
//! power   := atom ( "^" unary )?            right-associative: 2^3^2 = 2^9
//! atom    := number | ref | name "(" formula ( "," formula )* ")" | "(" formula ")"
//! number  := digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ]
//! ref     := "{" id [ "." field ] "}"      id, field: lower-case letters, digits, "-" and "_"
//! name    := ln | exp | sqrt | abs | min | max | lo | hi | at_least | at_most
//! ```
//! A parser crate was not worth its build time for a grammar this small, and a hand-written one
//! gives each error the exact column and what was expected there.

use std::fmt;

/// A function a formula may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Ln,
    Exp,
    Sqrt,
    Abs,
    Min,
    Max,
    /// The lower end of the argument's interval, as an exact number.
    Lo,
    /// The upper end of the argument's interval, as an exact number.
    Hi,
    /// The quantity is at least the argument: the argument's point, interval `[lo, +∞)`.
    AtLeast,
    /// The quantity is at most the argument: the argument's point, interval `(-∞, hi]`.
    AtMost,
}

impl Func {
    pub const ALL: [Func; 10] = [
        Func::Ln,
        Func::Exp,
        Func::Sqrt,
        Func::Abs,
        Func::Min,
        Func::Max,
        Func::Lo,
        Func::Hi,
        Func::AtLeast,
        Func::AtMost,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::Ln => "ln",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Min => "min",
            Func::Max => "max",
            Func::Lo => "lo",
            Func::Hi => "hi",
            Func::AtLeast => "at_least",
            Func::AtMost => "at_most",
        }
    }

    /// How many arguments: `(min, max)`.
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max => (2, usize::MAX),
            _ => (1, 1),
        }
    }
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
            BinOp::Pow => 4,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "×",
            BinOp::Div => "/",
            BinOp::Pow => "^",
        }
    }
}

/// A comparison of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// A reference `{id}` or `{id.field}`, with the column of its `{` (1-based, in characters).
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub id: String,
    pub field: Option<String>,
    pub column: usize,
}

impl Ref {
    /// `id` or `id.field`: the key the engine looks the value up by.
    pub fn key(&self) -> String {
        match &self.field {
            Some(f) => format!("{}.{f}", self.id),
            None => self.id.clone(),
        }
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Ref(Ref),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>, usize),
}

impl Expr {
    /// Every reference, in the order written (repeats kept).
    pub fn refs(&self) -> Vec<&Ref> {
        let mut out = Vec::new();
        self.walk_refs(&mut out);
        out
    }

    fn walk_refs<'a>(&'a self, out: &mut Vec<&'a Ref>) {
        match self {
            Expr::Num(_) => {}
            Expr::Ref(r) => out.push(r),
            Expr::Neg(e) => e.walk_refs(out),
            Expr::Bin(_, a, b) => {
                a.walk_refs(out);
                b.walk_refs(out);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.walk_refs(out)),
        }
    }

    /// The formula written back with `show` deciding how each reference appears (its id, or its
    /// value), with only the parentheses precedence needs.
    pub fn render(&self, show: &dyn Fn(&Ref) -> String) -> String {
        self.render_at(0, show)
    }

    fn render_at(&self, outer: u8, show: &dyn Fn(&Ref) -> String) -> String {
        match self {
            Expr::Num(x) => crate::format::fmt_num(*x).0,
            Expr::Ref(r) => show(r),
            Expr::Neg(e) => {
                let s = format!("-{}", e.render_at(3, show));
                if outer > 3 {
                    format!("({s})")
                } else {
                    s
                }
            }
            Expr::Bin(op, a, b) => {
                let p = op.precedence();
                // Left-associative + - * /: the right operand of an equal precedence needs
                // parentheses ("a - (b - c)"); ^ is right-associative.
                let (pl, pr) = if *op == BinOp::Pow {
                    (p + 1, p)
                } else {
                    (p, p + 1)
                };
                let s = format!(
                    "{} {} {}",
                    a.render_at(pl, show),
                    op.symbol(),
                    b.render_at(pr, show)
                );
                if p < outer {
                    format!("({s})")
                } else {
                    s
                }
            }
            Expr::Call(f, args, _) => format!(
                "{}({})",
                f.name(),
                args.iter()
                    .map(|a| a.render_at(0, show))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A parsed claim: `lhs op rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub lhs: Expr,
    pub op: Cmp,
    pub rhs: Expr,
}

/// A syntax error: the column (1-based, in characters) and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ref(Ref),
    Name(String),
    Op(char),
    Cmp(Cmp),
    LParen,
    RParen,
    Comma,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(x) => format!("the number {}", crate::format::fmt_num(*x).0),
        Tok::Ref(r) => format!("the reference {{{}}}", r.key()),
        Tok::Name(n) => format!("`{n}`"),
        Tok::Op(c) => format!("`{c}`"),
        Tok::Cmp(c) => format!("`{}`", c.symbol()),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::End => "the end of the formula".into(),
    }
}

fn id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |column: usize, message: String| Err(ParseError { column, message });
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let grouped: String = chars[start..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == ',' || **c == '.')
                .collect();
            if i < chars.len()
                && (chars[i] == ','
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    && chars.get(i + 2).is_some_and(char::is_ascii_digit)
                    && chars.get(i + 3).is_some_and(char::is_ascii_digit))
            {
                return err(
                    i + 1,
                    format!("a thousands separator in `{grouped}`: write numbers without separators ({})", grouped.replace(',', "")),
                );
            }
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => out.push((Tok::Num(x), col)),
                _ => return err(col, format!("`{text}` is not a finite number")),
            }
            continue;
        }
        if c == '{' {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && chars[j] != '}' {
                j += 1;
            }
            if j == chars.len() {
                return err(
                    col,
                    "`{` is not closed: write a reference as {figure-id}".into(),
                );
            }
            let inner: String = chars[start..j].iter().collect();
            let (id, field) = match inner.split_once('.') {
                Some((a, b)) => (a.to_string(), Some(b.to_string())),
                None => (inner.clone(), None),
            };
            let bad = |s: &str| s.is_empty() || !s.chars().all(id_char);
            if bad(&id) || field.as_deref().is_some_and(bad) {
                return err(
                    col,
                    format!("`{{{inner}}}` is not a reference: ids hold lower-case letters, digits, `-` and `_`, optionally `.field`"),
                );
            }
            out.push((
                Tok::Ref(Ref {
                    id,
                    field,
                    column: col,
                }),
                col,
            ));
            i = j + 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Name(chars[start..i].iter().collect()), col));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let cmp2 = match two.as_str() {
            "==" => Some(Cmp::Eq),
            "<=" => Some(Cmp::Le),
            ">=" => Some(Cmp::Ge),
            _ => None,
        };
        if let Some(cmp) = cmp2 {
            out.push((Tok::Cmp(cmp), col));
            i += 2;
            continue;
        }
        let tok = match c {
            '<' => Tok::Cmp(Cmp::Lt),
            '>' => Tok::Cmp(Cmp::Gt),
            '+' | '-' | '*' | '/' | '^' => Tok::Op(c),
            '×' | '·' => Tok::Op('*'),
            '−' => Tok::Op('-'),
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '=' => {
                return err(col, "a single `=`: write `==` to compare".into());
            }
            _ => {
                return err(
                    col,
                    format!("unexpected character `{}`: a formula has numbers, {{id}} references, + - * / ^, parentheses and functions", c.escape_debug()),
                )
            }
        };
        out.push((tok, col));
        i += 1;
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    /// Nesting of parentheses, calls and signs, bounded so no formula can exhaust the stack.
    depth: usize,
}

/// How deeply a formula may nest.
pub const MAX_NESTING: usize = 64;

/// How many numbers, references, operators and parentheses a formula may hold; a longer one is
/// better split into derived lines (and every later pass over it stays shallow).
pub const MAX_TOKENS: usize = 400;

fn check_length(toks: &[(Tok, usize)]) -> Result<(), ParseError> {
    match toks.get(MAX_TOKENS) {
        Some((Tok::End, _)) | None => Ok(()),
        Some((_, column)) => Err(ParseError {
            column: *column,
            message: format!("the formula is longer than {MAX_TOKENS} numbers, references and operators; split it into [[derived]] lines"),
        }),
    }
}

impl Parser {
    /// A parser over `src`'s tokens, refusing a formula longer than [`MAX_TOKENS`].
    fn new(src: &str) -> Result<Parser, ParseError> {
        let toks = lex(src)?;
        check_length(&toks)?;
        Ok(Parser {
            toks,
            at: 0,
            depth: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }

    fn col(&self) -> usize {
        self.toks[self.at].1
    }

    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn fail<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            column: self.col(),
            message: format!("expected {expected}, found {}", describe(self.peek())),
        })
    }

    fn formula(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Op('+') => BinOp::Add,
                Tok::Op('-') => BinOp::Sub,
                _ => return Ok(e),
            };
            self.bump();
            e = Expr::Bin(op, Box::new(e), Box::new(self.term()?));
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op('*') => BinOp::Mul,
                Tok::Op('/') => BinOp::Div,
                _ => return Ok(e),
            };
            self.bump();
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError {
                column: self.col(),
                message: format!("nested more than {MAX_NESTING} levels deep; split the formula into [[derived]] lines"),
            });
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.nest()?;
        let e = self.unary_inner();
        self.depth -= 1;
        e
    }

    fn unary_inner(&mut self) -> Result<Expr, ParseError> {
        if *self.peek() == Tok::Op('-') {
            self.bump();
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        let base = self.atom()?;
        if *self.peek() == Tok::Op('^') {
            self.bump();
            return Ok(Expr::Bin(
                BinOp::Pow,
                Box::new(base),
                Box::new(self.unary()?),
            ));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        match self.peek().clone() {
            Tok::Num(x) => {
                self.bump();
                Ok(Expr::Num(x))
            }
            Tok::Ref(r) => {
                self.bump();
                Ok(Expr::Ref(r))
            }
            Tok::LParen => {
                self.bump();
                let e = self.formula()?;
                if *self.peek() != Tok::RParen {
                    return self.fail("`)` or an operator");
                }
                self.bump();
                Ok(e)
            }
            Tok::Name(name) => {
                let col = self.col();
                let Some(func) = Func::ALL.iter().copied().find(|f| f.name() == name) else {
                    let names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                    return Err(ParseError {
                        column: col,
                        message: format!(
                            "unknown name `{name}`: a figure is written {{{name}}}; the functions are {}",
                            names.join(", ")
                        ),
                    });
                };
                self.bump();
                if *self.peek() != Tok::LParen {
                    return self.fail(&format!("`(` after `{name}`"));
                }
                self.bump();
                let mut args = vec![self.formula()?];
                while *self.peek() == Tok::Comma {
                    self.bump();
                    args.push(self.formula()?);
                }
                if *self.peek() != Tok::RParen {
                    return self.fail("`,` or `)`");
                }
                self.bump();
                let (lo, hi) = func.arity();
                if args.len() < lo || args.len() > hi {
                    return Err(ParseError {
                        column: col,
                        message: if lo == hi {
                            format!("`{name}` takes {lo} argument, not {}", args.len())
                        } else {
                            format!("`{name}` takes at least {lo} arguments, not {}", args.len())
                        },
                    });
                }
                Ok(Expr::Call(func, args, col))
            }
            _ => self.fail("a number, a {reference}, a function or `(`"),
        }
    }
}

/// Parses a formula.
pub fn parse_formula(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src)?;
    if *p.peek() == Tok::End {
        return p.fail("a formula");
    }
    let e = p.formula()?;
    match p.peek() {
        Tok::End => Ok(e),
        Tok::Cmp(_) => p.fail("the end of the formula (a comparison belongs in a [[check]] claim)"),
        _ => p.fail("an operator or the end of the formula"),
    }
}

/// Parses a claim: two formulas joined by a comparison.
pub fn parse_claim(src: &str) -> Result<Claim, ParseError> {
    let mut p = Parser::new(src)?;
    if *p.peek() == Tok::End {
        return p.fail("a claim such as {a} <= {b}");
    }
    let lhs = p.formula()?;
    let op = match p.peek() {
        Tok::Cmp(c) => *c,
        _ => return p.fail("a comparison (==, <, <=, >, >=)"),
    };
    p.bump();
    let rhs = p.formula()?;
    match p.peek() {
        Tok::End => Ok(Claim { lhs, op, rhs }),
        Tok::Cmp(_) => p.fail("the end of the claim (one comparison per claim)"),
        _ => p.fail("an operator or the end of the claim"),
    }
}

/// A piece of a label template.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// `{id}` or `{id:style}`.
    Ref {
        id: String,
        style: Option<String>,
        column: usize,
    },
}

/// Parses a label template: text with `{id}` or `{id:style}` placeholders; `{{` and `}}` are
/// literal braces.
pub fn parse_template(src: &str) -> Result<Vec<Piece>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            text.push('{');
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') {
            text.push('}');
            i += 2;
            continue;
        }
        if c == '}' {
            return Err(ParseError {
                column: i + 1,
                message: "a lone `}`: write `}}` for a brace".into(),
            });
        }
        if c == '{' {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && chars[j] != '}' {
                j += 1;
            }
            if j == chars.len() {
                return Err(ParseError {
                    column: i + 1,
                    message: "`{` is not closed: write {figure-id}, or `{{` for a brace".into(),
                });
            }
            let inner: String = chars[start..j].iter().collect();
            let (id, style) = match inner.split_once(':') {
                Some((a, b)) => (a.to_string(), Some(b.to_string())),
                None => (inner.clone(), None),
            };
            if id.is_empty() || !id.chars().all(|c| id_char(c) || c == '.') {
                return Err(ParseError {
                    column: i + 1,
                    message: format!("`{{{inner}}}` is not a reference: write {{figure-id}} or {{figure-id:text}}"),
                });
            }
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Ref {
                id,
                style,
                column: i + 1,
            });
            i = j + 1;
            continue;
        }
        text.push(c);
        i += 1;
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(e: &Expr) -> String {
        e.render(&|r| r.key())
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(ids(&parse_formula("{a} - {b} - {c}").unwrap()), "a - b - c");
        assert_eq!(
            ids(&parse_formula("{a} - ({b} - {c})").unwrap()),
            "a - (b - c)"
        );
        assert_eq!(
            ids(&parse_formula("({a} + {b}) * 2").unwrap()),
            "(a + b) × 2"
        );
        assert_eq!(ids(&parse_formula("2 ^ 3 ^ 2").unwrap()), "2 ^ 3 ^ 2");
        assert_eq!(ids(&parse_formula("(2 ^ 3) ^ 2").unwrap()), "(2 ^ 3) ^ 2");
        assert_eq!(
            ids(&parse_formula("ln({a} / ({b}+{c})) / ln(15/8)").unwrap()),
            "ln(a / (b + c)) / ln(15 / 8)"
        );
        assert_eq!(ids(&parse_formula("-{a} ^ 2").unwrap()), "-a ^ 2");
        assert_eq!(
            ids(&parse_formula("{r.grade_high} × 1.5e0").unwrap()),
            "r.grade_high × 1.5"
        );
        let c = parse_claim("{a} + {b} <= {c}").unwrap();
        assert_eq!(c.op, Cmp::Le);
        assert_eq!(ids(&c.lhs), "a + b");
    }

    #[test]
    fn errors_name_the_column_and_what_was_expected() {
        let e = parse_formula("{a} + ").unwrap_err();
        assert_eq!(e.column, 7);
        assert!(e.message.contains("expected a number"), "{e}");
        let e = parse_formula("{a} ** 2").unwrap_err();
        assert_eq!(e.column, 6);
        let e = parse_formula("log({a})").unwrap_err();
        assert_eq!(e.column, 1);
        assert!(e.message.contains("unknown name `log`"), "{e}");
        let e = parse_formula("({a} + 1").unwrap_err();
        assert!(e.message.contains("`)`"), "{e}");
        let e = parse_formula("{A}").unwrap_err();
        assert!(e.message.contains("not a reference"), "{e}");
        let e = parse_formula("{a").unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
        let e = parse_formula("80,000 - {a}").unwrap_err();
        assert!(
            e.message.contains(
                "thousands separator in `80,000`: write numbers without separators (80000)"
            ),
            "{e}"
        );
        let long = vec!["{a}"; 300].join(" + ");
        let e = parse_formula(&long).unwrap_err();
        assert!(e.message.contains("longer than 400"), "{e}");
        assert!(parse_formula(&vec!["{a}"; 150].join(" + ")).is_ok());
        let e = parse_formula("min({a})").unwrap_err();
        assert!(e.message.contains("at least 2"), "{e}");
        let e = parse_formula("{a} = {b}").unwrap_err();
        assert!(e.message.contains("=="), "{e}");
        let e = parse_formula("{a} <= {b}").unwrap_err();
        assert!(e.message.contains("[[check]]"), "{e}");
        let e = parse_claim("{a} + {b}").unwrap_err();
        assert!(e.message.contains("a comparison"), "{e}");
        let e = parse_claim("{a} < {b} < {c}").unwrap_err();
        assert!(e.message.contains("one comparison"), "{e}");
        assert!(parse_formula("").is_err());
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        let e = parse_formula(&deep).unwrap_err();
        assert!(e.message.contains("nested more than 64"), "{e}");
        assert!(parse_formula(&format!("{}1", "-".repeat(100)))
            .unwrap_err()
            .message
            .contains("nested"));
        assert!(
            parse_formula(&format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000))).is_err()
        );
        let ok = format!("{}1{}", "(".repeat(30), ")".repeat(30));
        assert!(parse_formula(&ok).is_ok());
        assert!(parse_formula("1e999").is_err());
    }

    #[test]
    fn templates() {
        let p = parse_template("Max {m} over {a:text} ({{x}})").unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(
            p[3],
            Piece::Ref {
                id: "a".into(),
                style: Some("text".into()),
                column: 14
            }
        );
        assert_eq!(p[4], Piece::Text(" ({x})".into()));
        assert!(parse_template("a {b").is_err());
        assert!(parse_template("a } b").is_err());
    }
}
