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
            (
                Expect::Denied(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if !want.contains(&errno) {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errnos(want),
                        errno_name(errno)
                    ))
                } else if !violation {
                    Err(format!(
                        "{} is the documented denial, but is_violation() said false",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (
                Expect::Ordinary(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if errno != want {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errno_name(want),
                        errno_name(errno)
                    ))
                } else if violation {
                    Err(format!(
                        "{} is an ordinary error, but is_violation() said true",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (
                Expect::Refused(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if !want.contains(&errno) {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errnos(want),
                        errno_name(errno)
                    ))
                } else if violation {
                    Err(format!(
                        "{} is documented as not a violation, but is_violation() said true",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
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
            (Expect::Panics(_) | Expect::Signal(_) | Expect::DeniedOrRefused(..), _) => {
                unreachable!()
            }
        }
    }
}
