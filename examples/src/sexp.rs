//! A small untrusted format for the `compartment` example: S-expressions
//! (`(define (square x) (* x x))`), atoms and lists, `;` comments.
//!
//! The parser is a plain recursive descent, as many real parsers are: a
//! hostile input nested deep enough overflows its stack. That is the kind
//! of bug a compartment turns from "the program died" into "the input was
//! refused".

use std::fmt;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sexp {
    /// A word, number or symbol.
    Atom(String),
    /// `( ... )`.
    List(Vec<Sexp>),
}

impl fmt::Display for Sexp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sexp::Atom(a) => f.write_str(a),
            Sexp::List(items) => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Why input is not a list of S-expressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.what)
    }
}

impl std::error::Error for ParseError {}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            what,
        }
    }

    fn skip_space(&mut self) {
        while let Some(&c) = self.input.get(self.pos) {
            if c == b';' {
                while self.input.get(self.pos).is_some_and(|c| *c != b'\n') {
                    self.pos += 1;
                }
            } else if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn expr(&mut self) -> Result<Sexp, ParseError> {
        self.skip_space();
        match self.input.get(self.pos) {
            None => Err(self.error("unexpected end of input")),
            Some(b')') => Err(self.error("unbalanced `)`")),
            Some(b'(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.input.get(self.pos) {
                        None => return Err(self.error("unclosed `(`")),
                        Some(b')') => {
                            self.pos += 1;
                            return Ok(Sexp::List(items));
                        }
                        Some(_) => items.push(self.expr()?),
                    }
                }
            }
            Some(_) => {
                let start = self.pos;
                while let Some(&c) = self.input.get(self.pos) {
                    if c.is_ascii_whitespace() || c == b'(' || c == b')' || c == b';' {
                        break;
                    }
                    if !c.is_ascii_graphic() {
                        return Err(self.error("byte outside printable ASCII"));
                    }
                    self.pos += 1;
                }
                let atom = std::str::from_utf8(&self.input[start..self.pos]).expect("ASCII");
                Ok(Sexp::Atom(atom.to_owned()))
            }
        }
    }
}

/// Parses every expression in `input`.
pub fn parse(input: &[u8]) -> Result<Vec<Sexp>, ParseError> {
    let mut p = Parser { input, pos: 0 };
    let mut all = Vec::new();
    loop {
        p.skip_space();
        if p.pos == input.len() {
            return Ok(all);
        }
        all.push(p.expr()?);
    }
}

/// The depth of the deepest list (atoms are 0).
pub fn depth(e: &Sexp) -> usize {
    match e {
        Sexp::Atom(_) => 0,
        Sexp::List(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_canonically() {
        let all = parse(b"; square\n(define (square x)\n  (* x x))  42").unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].to_string(), "(define (square x) (* x x))");
        assert_eq!(depth(&all[0]), 2);
        assert_eq!(all[1], Sexp::Atom("42".into()));
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert_eq!(parse(b"(a b").unwrap_err().what, "unclosed `(`");
        assert_eq!(parse(b"a)").unwrap_err().what, "unbalanced `)`");
        assert_eq!(parse(b"(a \x01)").unwrap_err().offset, 3);
    }
}
