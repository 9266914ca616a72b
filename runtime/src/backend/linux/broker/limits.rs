//! Narrowing limits: a new limit replaces the old one only if it allows
//! nothing the old one did not (cap_limit_set(3) refuses to widen). An empty
//! list means "no limit of that kind" in a declaration, and "keep it as it
//! is" in a later `limit(..)`.

use crate::decl::DbNames;

use super::VIOLATION;

/// Whether `item` passes `allowed` (empty: everything passes).
pub(crate) fn allows<T: PartialEq>(allowed: &[T], item: &T) -> bool {
    allowed.is_empty() || allowed.contains(item)
}

/// Narrows `current` to `new`, or refuses with the capability error.
pub(crate) fn narrow<T: PartialEq + Clone>(current: &mut Vec<T>, new: &[T]) -> Result<(), i32> {
    if new.is_empty() {
        return Ok(());
    }
    if !new.iter().all(|x| allows(current, x)) {
        return Err(VIOLATION);
    }
    *current = new.to_vec();
    Ok(())
}

/// Narrows commands, fields and principals; all or nothing. (Names outside
/// the service's vocabulary do not decode: `wire.rs`.)
pub(crate) fn narrow_db(current: &mut DbNames, new: &DbNames) -> Result<(), i32> {
    let mut next = current.clone();
    narrow(&mut next.cmds, &new.cmds)?;
    narrow(&mut next.fields, &new.fields)?;
    narrow(&mut next.principals, &new.principals)?;
    *current = next;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_never_widens() {
        let mut v = vec![1, 2];
        assert_eq!(narrow(&mut v, &[3]), Err(VIOLATION));
        assert_eq!(narrow(&mut v, &[1, 3]), Err(VIOLATION));
        assert_eq!(v, [1, 2]);
        assert_eq!(narrow(&mut v, &[]), Ok(()));
        assert_eq!(v, [1, 2]);
        assert_eq!(narrow(&mut v, &[2]), Ok(()));
        assert_eq!(v, [2]);
        let mut any: Vec<i32> = vec![];
        assert_eq!(narrow(&mut any, &[5]), Ok(()));
        assert_eq!(any, [5]);
    }
}
