//! Whether a probe's report is what its case expects.

use super::{errno_name, errnos, Answer, Expect, Report};

impl Expect {
    /// Whether `answer` is what this expectation wants.
    pub fn verify(self, report: &Report) -> Result<(), String> {
        if let Expect::Signal(sig) = self {
            return match report.signal {
                Some(s) if s == sig => Ok(()),
                other => Err(format!(
                    "expected death by signal {sig}, got signal {other:?}, exit {:?}, outcome {:?}",
                    report.code, report.outcome
                )),
            };
        }
        if let Expect::DeniedOrRefused(denied, refused) = self {
            return match report.answer()? {
                Answer::Err { errno, .. } if refused.contains(&errno) => {
                    Expect::Refused(refused).verify(report)
                }
                _ => Expect::Denied(denied).verify(report),
            };
        }
        if let Expect::Panics(function) = self {
            if report.code != Some(101) {
                return Err(format!(
                    "expected a panic (exit 101), got {:?}",
                    report.code
                ));
            }
            if !report.stderr.contains(function) {
                return Err(format!(
                    "the backtrace does not name `{function}`: {}",
                    report.stderr.trim()
                ));
            }
            return Ok(());
        }
        let answer = report.answer()?;
        if let Answer::Err {
            errno,
            violation,
            text,
        } = &answer
        {
            let wanted = match &self {
                Expect::Denied(want) => Some((*want, true, "is the documented denial")),
                Expect::Ordinary(want) => {
                    Some((std::slice::from_ref(want), false, "is an ordinary error"))
                }
                Expect::Refused(want) => Some((*want, false, "is documented as not a violation")),
                _ => None,
            };
            if let Some((want, says, what)) = wanted {
                return errno_answer(want, (*errno, *violation, text), says, what);
            }
        }
        match (self, answer) {
            (Expect::Allowed, Answer::Ok(_)) => Ok(()),
            (Expect::Allowed, Answer::Err { errno, text, .. }) => Err(format!(
                "expected it to work, got {} ({text})",
                errno_name(errno)
            )),
            (Expect::Denied(want), Answer::Ok(detail)) => Err(format!(
                "ESCAPED: expected {}, the operation worked: {detail}",
                errnos(want)
            )),
            (Expect::Refused(want), Answer::Ok(detail)) => Err(format!(
                "ESCAPED: expected {}, the operation worked: {detail}",
                errnos(want)
            )),
            (Expect::Ordinary(want), Answer::Ok(detail)) => Err(format!(
                "expected {}, the operation worked: {detail}",
                errno_name(want)
            )),
            (Expect::NotDenied, Answer::Ok(_)) => Ok(()),
            (
                Expect::NotDenied,
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if violation {
                    Err(format!(
                        "expected it to work or fail for its own reasons, the sandbox denied it: {} ({text})",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (Expect::Fails, Answer::Err { .. }) => Ok(()),
            (Expect::Fails, Answer::Ok(detail)) => {
                Err(format!("ESCAPED: expected it to fail, it worked: {detail}"))
            }
            (Expect::Panics(_) | Expect::Signal(_) | Expect::DeniedOrRefused(..), _)
            | (Expect::Denied(_) | Expect::Ordinary(_) | Expect::Refused(_), Answer::Err { .. }) => {
                unreachable!()
            }
        }
    }
}

/// An error answer (errno, what is_violation() said, the message) against
/// the errnos `want` and what is_violation() must say (`violation`), with
/// `what` the errno is when it says otherwise.
fn errno_answer(
    want: &[i32],
    (errno, said, text): (i32, bool, &str),
    violation: bool,
    what: &str,
) -> Result<(), String> {
    if !want.contains(&errno) {
        Err(format!(
            "expected {}, got {} ({text})",
            errnos(want),
            errno_name(errno)
        ))
    } else if said != violation {
        Err(format!(
            "{} {what}, but is_violation() said {said}",
            errno_name(errno)
        ))
    } else {
        Ok(())
    }
}
