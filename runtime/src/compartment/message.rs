//! What crosses between a compartment and its parent: [`Message`], its
//! encoding and the typed errors of decoding.
//!
//! With the `serde` feature (on by default) every `Serialize +
//! DeserializeOwned` type is a message, encoded with postcard (its wire
//! format: varint lengths, no field names). `[u8]` and `str` cross as their
//! raw bytes. The parent decodes what a child sends as untrusted input:
//! the bytes are already bounded by the compartment's result limit, a
//! decoding error is a value ([`DecodeError`]), never a panic, and nesting
//! is limited to [`MAX_DEPTH`] levels so that a hostile child cannot
//! overflow the parent's stack with a deeply nested recursive value.

use std::borrow::Borrow;

/// A value that crosses the channel between a compartment and its parent.
///
/// `Owned` is what decoding gives back; the closure of a compartment
/// borrows it (`[u8]` decodes to a `Vec<u8>`, `str` to a `String`, a sized
/// type to itself).
pub trait Message {
    /// The decoded form.
    type Owned: Borrow<Self>;
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError>;
    /// Decodes `bytes`, all of them: trailing bytes are an error.
    fn decode(bytes: &[u8]) -> Result<Self::Owned, DecodeError>;
}

/// Why a value could not be encoded (its `Serialize` implementation
/// failed, or it is a sequence of unknown length, which postcard cannot
/// encode).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("encoding the message: {0}")]
pub struct EncodeError(pub String);

/// Why bytes are not a message of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes end in the middle of a value.
    #[error("the message ends early")]
    Truncated,
    /// A whole value was decoded and bytes are left over.
    #[error("{0} bytes follow the message")]
    Trailing(usize),
    /// Values are nested deeper than [`MAX_DEPTH`].
    #[error("the message is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Text that is not UTF-8.
    #[error("the message is not UTF-8")]
    NotUtf8,
    /// Anything else the format rejects (a bad varint, boolean, option
    /// or enum tag, a failed `Deserialize` check), in postcard's words.
    #[error("malformed message: {0}")]
    Invalid(String),
}

/// How deeply sequences, maps, options, enums and structs may nest in a
/// decoded message (serde_json's default recursion limit).
pub const MAX_DEPTH: usize = 128;

impl Message for [u8] {
    type Owned = Vec<u8>;
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(self);
        Ok(())
    }
    fn decode(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        Ok(bytes.to_vec())
    }
}

impl Message for str {
    type Owned = String;
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(self.as_bytes());
        Ok(())
    }
    fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::NotUtf8)
    }
}

#[cfg(not(feature = "serde"))]
mod plain {
    //! Without serde: the sized forms of bytes and text, and `()`.

    use super::{DecodeError, EncodeError, Message};

    impl Message for Vec<u8> {
        type Owned = Vec<u8>;
        fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
            <[u8]>::encode(self, out)
        }
        fn decode(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
            <[u8]>::decode(bytes)
        }
    }

    impl Message for String {
        type Owned = String;
        fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
            str::encode(self, out)
        }
        fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
            str::decode(bytes)
        }
    }

    impl Message for () {
        type Owned = ();
        fn encode(&self, _: &mut Vec<u8>) -> Result<(), EncodeError> {
            Ok(())
        }
        fn decode(bytes: &[u8]) -> Result<(), DecodeError> {
            match bytes.len() {
                0 => Ok(()),
                n => Err(DecodeError::Trailing(n)),
            }
        }
    }
}

#[cfg(feature = "serde")]
mod serde_messages {
    //! Every serde type, in postcard, decoded through [`depth::Limited`].

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::{depth, DecodeError, EncodeError, Message};

    impl<T: Serialize + DeserializeOwned> Message for T {
        type Owned = T;
        fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
            let taken = std::mem::take(out);
            match postcard::to_extend(self, taken) {
                Ok(done) => {
                    *out = done;
                    Ok(())
                }
                Err(e) => Err(EncodeError(e.to_string())),
            }
        }
        fn decode(bytes: &[u8]) -> Result<T, DecodeError> {
            let mut de = postcard::Deserializer::from_bytes(bytes);
            let deep = std::cell::Cell::new(false);
            let value = depth::deserialize::<T, _>(&mut de, &deep).map_err(|e| {
                if deep.get() {
                    DecodeError::TooDeep
                } else {
                    match e {
                        postcard::Error::DeserializeUnexpectedEnd => DecodeError::Truncated,
                        postcard::Error::DeserializeBadUtf8 => DecodeError::NotUtf8,
                        other => DecodeError::Invalid(other.to_string()),
                    }
                }
            })?;
            match de.finalize() {
                Ok([]) => Ok(value),
                Ok(rest) => Err(DecodeError::Trailing(rest.len())),
                Err(e) => Err(DecodeError::Invalid(e.to_string())),
            }
        }
    }
}

#[cfg(feature = "serde")]
mod depth;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_text_cross_as_themselves() {
        let mut out = Vec::new();
        b"abc"[..].encode(&mut out).unwrap();
        assert_eq!(out, b"abc");
        assert_eq!(<[u8]>::decode(b"abc").unwrap(), b"abc");
        assert_eq!(str::decode(b"h\xc3\xa9").unwrap(), "h\u{e9}");
        assert_eq!(str::decode(b"\xff"), Err(DecodeError::NotUtf8));
    }

    #[cfg(feature = "serde")]
    mod serde {
        use super::super::*;

        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
        enum Expr {
            Atom(String),
            Num(i64),
            List(Vec<Expr>),
        }

        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Parsed {
            name: String,
            exprs: Vec<Expr>,
            flags: Option<(bool, u8)>,
        }

        fn roundtrip<T: Message<Owned = T> + std::fmt::Debug + PartialEq>(value: T) {
            let mut out = Vec::new();
            value.encode(&mut out).unwrap();
            assert_eq!(T::decode(&out).unwrap(), value);
        }

        #[test]
        fn serde_types_round_trip() {
            roundtrip(Parsed {
                name: "n".into(),
                exprs: vec![
                    Expr::Atom("a".into()),
                    Expr::List(vec![Expr::Num(-3), Expr::List(vec![])]),
                ],
                flags: Some((true, 7)),
            });
            roundtrip(vec![1u8, 2, 3]);
            roundtrip(String::from("text"));
            roundtrip(());
            roundtrip(std::collections::BTreeMap::from([(1u32, "x".to_string())]));
            roundtrip(Some(vec![Some(1.5f64), None]));
        }

        #[test]
        fn decoding_errors_are_typed() {
            let mut out = Vec::new();
            String::from("hello").encode(&mut out).unwrap();
            assert_eq!(
                String::decode(&out[..out.len() - 1]),
                Err(DecodeError::Truncated)
            );
            let mut long = out.clone();
            long.push(0);
            assert_eq!(String::decode(&long), Err(DecodeError::Trailing(1)));
            assert_eq!(String::decode(&[2, 0xff, 0xfe]), Err(DecodeError::NotUtf8));
            assert!(matches!(bool::decode(&[7]), Err(DecodeError::Invalid(_))));
            assert!(matches!(Expr::decode(&[9]), Err(DecodeError::Invalid(_))));
            // A length far beyond the bytes: no huge allocation, just the end.
            assert_eq!(
                Vec::<u64>::decode(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
                Err(DecodeError::Truncated)
            );
        }

        #[test]
        fn deep_nesting_is_refused_not_a_stack_overflow() {
            // List(List(List(...))) a million levels deep: variant 2, one
            // element, repeated.
            let hostile: Vec<u8> = [2u8, 1].repeat(1_000_000);
            assert_eq!(Expr::decode(&hostile), Err(DecodeError::TooDeep));
            // Within the limit it decodes: each level of this tree is two,
            // the enum and its list.
            let mut e = Expr::Num(1);
            for _ in 0..MAX_DEPTH / 2 - 1 {
                e = Expr::List(vec![e]);
            }
            roundtrip(e);
        }

        #[test]
        fn hostile_bytes_never_panic() {
            // A deterministic stream of pseudo-random inputs (xorshift),
            // and every prefix of a valid message: each decodes to a value
            // or a typed error.
            let mut valid = Vec::new();
            Parsed {
                name: "name".into(),
                exprs: vec![Expr::List(vec![Expr::Atom("x".into()), Expr::Num(1 << 40)])],
                flags: Some((false, 255)),
            }
            .encode(&mut valid)
            .unwrap();
            for end in 0..valid.len() {
                assert!(Parsed::decode(&valid[..end]).is_err());
            }
            let mut state = 0x9e37_79b9_7f4a_7c15u64;
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            for _ in 0..20_000 {
                let len = (next() % 64) as usize;
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let _ = Parsed::decode(&bytes);
                let _ = Expr::decode(&bytes);
                let _ = Vec::<String>::decode(&bytes);
                let _ = <(u128, char, f32, Option<Vec<u8>>)>::decode(&bytes);
                // And the valid message with one byte changed.
                let mut mutated = valid.clone();
                let at = (next() as usize) % mutated.len();
                mutated[at] = next() as u8;
                let _ = Parsed::decode(&mutated);
            }
        }
    }
}
