//! Attacks on the answers the supervisor writes for the lookups it makes
//! itself (supervise/lookup.rs: fstatat, statx, faccessat, faccessat2,
//! readlinkat, fstat, fstatfs): the flags it passes on or drops, the
//! buffers it writes with process_vm_writev(2), the paths it reads and the
//! descriptors it answers for. Each case checks the kernel's own answer
//! (or Capsicum's, where the walk leaves the directory).

use super::namespaces::{expect_errno, Pages};
use super::*;
use crate::sys::*;
use std::ffi::CStr;

/// `AT_STATX_FORCE_SYNC` and `AT_STATX_DONT_SYNC`
/// (include/uapi/linux/fcntl.h).
const AT_STATX_FORCE_SYNC: i32 = 0x2000;
const AT_STATX_DONT_SYNC: i32 = 0x4000;
/// A flag bit no `*at` call knows (include/uapi/linux/fcntl.h).
const UNKNOWN_AT: i32 = 0x4000_0000;

pub(super) const CASES: &[(&str, Probe)] = &[
    // Flags. fstatat(2) takes the statx sync types too (fs/stat.c
    // vfs_statx: AT_STATX_SYNC_TYPE among the valid flags).
    ("lookup_fstatat_force_sync", |f| {
        stat_at(f.dir, c"inside.txt", AT_STATX_FORCE_SYNC)
    }),
    // Both at once too: only statx(2) refuses them together (do_statx).
    ("lookup_fstatat_both_syncs", |f| {
        stat_at(
            f.dir,
            c"inside.txt",
            AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
        )
    }),
    ("lookup_fstat_empty_path_force_sync", |f| {
        stat_at(f.rw, c"", libc::AT_EMPTY_PATH | AT_STATX_FORCE_SYNC)
    }),
    ("lookup_statx_dont_sync_no_automount", |f| {
        statx_at(
            f.dir,
            c"inside.txt",
            AT_STATX_DONT_SYNC | libc::AT_NO_AUTOMOUNT,
        )
    }),
    ("lookup_statx_odd_mask", |f| {
        // Every mask bit but the reserved one: the kernel fills what it
        // has and says which in stx_mask.
        let mut st = zeroed_statx();
        sys!(libc::statx(
            f.dir,
            c"inside.txt".as_ptr(),
            0,
            !(libc::STATX__RESERVED as u32),
            &mut st
        ))?;
        if st.stx_size != 6 || st.stx_mask & libc::STATX_SIZE == 0 {
            return Err(std::io::Error::other(format!(
                "size {} mask {:#x}",
                st.stx_size, st.stx_mask
            )));
        }
        Ok("size 6".into())
    }),
    ("lookup_fstatat_unknown_flag", |f| {
        expect_errno(stat_at(f.dir, c"inside.txt", UNKNOWN_AT), libc::EINVAL)
    }),
    ("lookup_statx_unknown_flag", |f| {
        expect_errno(statx_at(f.dir, c"inside.txt", UNKNOWN_AT), libc::EINVAL)
    }),
    ("lookup_faccessat2_unknown_flag", |f| {
        expect_errno(
            sys!(libc::syscall(
                libc::SYS_faccessat2,
                f.dir,
                c"inside.txt".as_ptr(),
                libc::R_OK,
                UNKNOWN_AT
            )),
            libc::EINVAL,
        )
    }),
    // A final link that leads out, not followed: the link itself, which
    // lies in dir (its size: the length of "../outside/secret.txt").
    ("lookup_statx_nofollow_link_out", |f| {
        let seen = statx_at(f.dir, c"escape_link", libc::AT_SYMLINK_NOFOLLOW)?;
        if seen != "size 21" {
            return Err(std::io::Error::other(seen));
        }
        Ok(seen)
    }),
    // A trailing slash follows the link even so (path_resolution(7)).
    ("lookup_fstatat_nofollow_link_out_slash", |f| {
        stat_at(f.dir, c"escape_link/", libc::AT_SYMLINK_NOFOLLOW)
    }),
    ("lookup_fstatat_nofollow_dotdot", |f| {
        stat_at(f.dir, c"..", libc::AT_SYMLINK_NOFOLLOW)
    }),
    // access(2) with the real ids, AT_EACCESS with the effective ones,
    // after the program became nobody effectively (setresuid(2)).
    ("lookup_faccessat2_eaccess_after_setresuid", |f| {
        as_root()?;
        sys!(libc::setresuid(0, 65534, 0))?;
        one_refused(f.dir, c"inside.txt", libc::W_OK, Ids::Effective)
    }),
    // Buffers of readlinkat(2): bufsiz 0 (EINVAL), 1 (one byte, nothing
    // past it), huge (the link's length), and one ending before an
    // unmapped page (EFAULT).
    ("lookup_readlinkat_bufsiz_zero", |f| {
        let mut b = [0u8; 8];
        expect_errno(
            readlink(f.dir, c"escape_link", b.as_mut_ptr(), 0),
            libc::EINVAL,
        )
    }),
    ("lookup_readlinkat_bufsiz_one", |f| {
        let mut b = [0xaau8; 8];
        let n = readlink(f.dir, c"escape_link", b.as_mut_ptr(), 1)?;
        if n != 1 || b[0] != b'.' || b[1..].iter().any(|&x| x != 0xaa) {
            return Err(std::io::Error::other(format!("{n} bytes: {b:?}")));
        }
        Ok("one byte".into())
    }),
    ("lookup_readlinkat_bufsiz_huge", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        page.protect_second(libc::PROT_NONE)?;
        let bytes = page.bytes();
        let at = bytes.len() / 2 - 64;
        let n = readlink(
            f.dir,
            c"escape_link",
            bytes[at..].as_mut_ptr(),
            usize::MAX >> 33,
        )?;
        let got = &bytes[at..at + n as usize];
        if got != b"../outside/secret.txt" {
            return Err(std::io::Error::other(format!("{got:?}")));
        }
        Ok(format!("{n} bytes"))
    }),
    ("lookup_readlinkat_buffer_at_unmapped", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        page.protect_second(libc::PROT_NONE)?;
        let bytes = page.bytes();
        let at = bytes.len() / 2 - 5;
        expect_errno(
            readlink(f.dir, c"escape_link", bytes[at..].as_mut_ptr(), 64),
            libc::EFAULT,
        )
    }),
    ("lookup_readlinkat_readonly_buffer", |f| {
        let page = Pages::new(1, libc::PROT_READ)?;
        expect_errno(
            readlink(f.dir, c"escape_link", page.at.cast(), 64),
            libc::EFAULT,
        )
    }),
    ("lookup_fstatat_path_buffer_readonly", |f| {
        let page = Pages::new(1, libc::PROT_READ)?;
        expect_errno(
            sys!(libc::fstatat(
                f.dir,
                c"inside.txt".as_ptr(),
                page.at.cast(),
                0
            )),
            libc::EFAULT,
        )
    }),
    // Paths: PATH_MAX - 1 bytes is a path, PATH_MAX is not
    // (ENAMETOOLONG, fs/namei.c getname_flags).
    ("lookup_fstatat_path_max_minus_one", |f| {
        let path = long_path(libc::PATH_MAX as usize - 1);
        stat_at(f.dir, &path, 0)
    }),
    ("lookup_fstatat_path_max", |f| {
        let path = long_path(libc::PATH_MAX as usize);
        expect_errno(stat_at(f.dir, &path, 0), libc::ENAMETOOLONG)
    }),
    ("lookup_statx_path_into_unmapped", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        page.protect_second(libc::PROT_NONE)?;
        let bytes = page.bytes();
        let half = bytes.len() / 2;
        bytes[..half].fill(b'a');
        let mut st = zeroed_statx();
        expect_errno(
            sys!(libc::statx(
                f.dir,
                bytes[half - 10..].as_ptr().cast(),
                0,
                libc::STATX_BASIC_STATS,
                &mut st
            )),
            libc::EFAULT,
        )
    }),
    ("lookup_fstatat_empty_without_flag", |f| {
        expect_errno(stat_at(f.dir, c"", 0), libc::ENOENT)
    }),
    ("lookup_faccessat_empty", |f| {
        expect_errno(
            sys!(libc::faccessat(f.dir, c"".as_ptr(), libc::R_OK, 0)),
            libc::ENOENT,
        )
    }),
    ("lookup_readlinkat_empty_not_link", |f| {
        let mut b = [0u8; 8];
        expect_errno(readlink(f.dir, c"", b.as_mut_ptr(), 8), libc::ENOENT)
    }),
    ("lookup_statx_root", |f| statx_at(f.dir, c"/", 0)),
    ("lookup_fstatat_dot", |f| stat_at(f.dir, c".", 0)),
    ("lookup_faccessat_dotdot_nofollow", |f| {
        sys!(libc::syscall(
            libc::SYS_faccessat2,
            f.dir,
            c"..".as_ptr(),
            libc::F_OK,
            libc::AT_SYMLINK_NOFOLLOW
        ))?;
        Ok("the parent exists".into())
    }),
    ("lookup_fstatat_file_trailing_slash", |f| {
        expect_errno(stat_at(f.dir, c"inside.txt/", 0), libc::ENOTDIR)
    }),
    ("lookup_statx_symlink_loop", |f| {
        sys!(libc::symlinkat(c"loop".as_ptr(), f.dir, c"loop".as_ptr()))?;
        expect_errno(statx_at(f.dir, c"loop", 0), libc::ELOOP)
    }),
    // Descriptors that are no file: their metadata, as fstat(2) and
    // fstatfs(2) give it.
    ("lookup_fstat_anonymous_descriptors", |_| {
        each_anonymous(|fd| {
            fstat(fd)?;
            fstatfs(fd)
        })
    }),
    // A directory opened O_PATH beneath dir, then removed: its metadata
    // (nlink 0) as Capsicum gives a descriptor derived from dir (fstat
    // held through fstatat).
    ("lookup_opath_removed_dir_fstat", |f| {
        sys!(libc::mkdirat(f.dir, c"gone".as_ptr(), 0o755))?;
        let fd = openat(f.dir, c"gone", libc::O_PATH | libc::O_DIRECTORY)?;
        let removed = sys!(libc::unlinkat(f.dir, c"gone".as_ptr(), libc::AT_REMOVEDIR));
        let seen = removed.and_then(|_| fstat(fd));
        close(fd);
        seen
    }),
    ("lookup_removed_dir_fstat", |f| {
        sys!(libc::mkdirat(f.dir, c"gone".as_ptr(), 0o755))?;
        let fd = openat(f.dir, c"gone", libc::O_RDONLY | libc::O_DIRECTORY)?;
        let removed = sys!(libc::unlinkat(f.dir, c"gone".as_ptr(), libc::AT_REMOVEDIR));
        let seen = removed.and_then(|_| fstat(fd));
        close(fd);
        seen
    }),
    // statx(2) refuses two sync types and the reserved mask bit before
    // it looks the path up (fs/stat.c do_statx), so even for a path that
    // leaves dir.
    ("lookup_statx_both_syncs_out", |f| {
        expect_errno(
            statx_at(
                f.dir,
                c"../outside/secret.txt",
                AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
            ),
            libc::EINVAL,
        )
    }),
    ("lookup_statx_reserved_mask_out", |f| {
        let mut st = zeroed_statx();
        expect_errno(
            sys!(libc::statx(
                f.dir,
                c"../outside/secret.txt".as_ptr(),
                0,
                libc::STATX__RESERVED as u32,
                &mut st
            )),
            libc::EINVAL,
        )
    }),
    // The real ids may not write, the effective may (setresuid(2) with
    // a real id of nobody).
    ("lookup_faccessat_real_nobody", |f| {
        as_root()?;
        sys!(libc::setresuid(65534, 0, 0))?;
        one_refused(f.dir, c"inside.txt", libc::W_OK, Ids::Real)
    }),
    // Credentials are a thread's (credentials(7)): one thread alone
    // becomes nobody effectively (the raw call, not glibc's broadcast);
    // AT_EACCESS answers by each caller's own.
    ("lookup_faccessat2_eaccess_one_thread", |f| {
        as_root()?;
        let dir = f.dir;
        let access = move || {
            sys!(libc::syscall(
                libc::SYS_faccessat2,
                dir,
                c"inside.txt".as_ptr(),
                libc::W_OK,
                libc::AT_EACCESS
            ))
            .map(drop)
        };
        let theirs = std::thread::spawn(move || {
            sys!(libc::syscall(libc::SYS_setresuid, 0, 65534, 0))?;
            Ok::<_, std::io::Error>(access())
        })
        .join()
        .map_err(|_| std::io::Error::other("the thread panicked"))??;
        let mine = access();
        match (&theirs, &mine) {
            (Err(e), Ok(())) if e.raw_os_error() == Some(libc::EACCES) => {
                Ok("each thread answered by its own ids".into())
            }
            _ => Err(std::io::Error::other(format!(
                "nobody's thread {theirs:?}, root's {mine:?}"
            ))),
        }
    }),
    // bufsiz is an int (fs/stat.c readlinkat): high bits are dropped.
    ("lookup_readlinkat_bufsiz_high_bits", |f| {
        let mut b = [0xaau8; 16];
        let n = sys!(libc::syscall(
            libc::SYS_readlinkat,
            f.dir,
            c"escape_link".as_ptr(),
            b.as_mut_ptr(),
            (1u64 << 32) | 5
        ))?;
        if n != 5 || &b[..5] != b"../ou" || b[5..].iter().any(|&x| x != 0xaa) {
            return Err(std::io::Error::other(format!("{n} bytes: {b:?}")));
        }
        Ok("five bytes".into())
    }),
    // The link dir/escape_link itself, held O_PATH: its text, though it
    // names a place outside.
    ("lookup_readlinkat_empty_opath_link", |f| {
        let fd = openat(f.dir, c"escape_link", libc::O_PATH | libc::O_NOFOLLOW)?;
        let mut b = [0u8; 64];
        let n = readlink(fd, c"", b.as_mut_ptr(), b.len());
        close(fd);
        Ok(String::from_utf8_lossy(&b[..n? as usize]).into_owned())
    }),
    ("lookup_fstatat_sub_dotdot", |f| {
        stat_at(f.dir, c"sub/..", 0)
    }),
    // A trailing slash follows a final link even with
    // AT_SYMLINK_NOFOLLOW: the directory it names, not the link.
    ("lookup_fstatat_nofollow_dir_link_slash", |f| {
        sys!(libc::symlinkat(c"sub".as_ptr(), f.dir, c"sl".as_ptr()))?;
        let link = stat_at(f.dir, c"sl", libc::AT_SYMLINK_NOFOLLOW)?;
        let followed = stat_at(f.dir, c"sl/", libc::AT_SYMLINK_NOFOLLOW)?;
        let sub = stat_at(f.dir, c"sub", 0)?;
        if link != "size 3" || followed != sub {
            return Err(std::io::Error::other(format!(
                "link {link}, with a slash {followed}, sub {sub}"
            )));
        }
        Ok(followed)
    }),
    ("lookup_readlinkat_dir_link_slash", |f| {
        sys!(libc::symlinkat(c"sub".as_ptr(), f.dir, c"sl".as_ptr()))?;
        let mut b = [0u8; 8];
        expect_errno(readlink(f.dir, c"sl/", b.as_mut_ptr(), 8), libc::EINVAL)
    }),
    ("lookup_faccessat_nofollow_link_out", |f| {
        sys!(libc::faccessat(
            f.dir,
            c"escape_link".as_ptr(),
            libc::F_OK,
            libc::AT_SYMLINK_NOFOLLOW
        ))?;
        Ok("the link exists".into())
    }),
    ("lookup_faccessat_link_out", |f| {
        sys!(libc::faccessat(
            f.dir,
            c"escape_link".as_ptr(),
            libc::F_OK,
            0
        ))?;
        Ok("outside/secret.txt exists".into())
    }),
    // Capabilities: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in
    // the effective set (capset(2)), AT_EACCESS may not read another's
    // 0600 file; access(2) by a real root takes the permitted set (fs/open.c
    // access_override_creds) and may.
    ("lookup_faccessat_caps_dropped", |f| {
        owned_by_nobody(f.dir, c"n.txt", false)?;
        drop_dac_capabilities()?;
        one_refused(f.dir, c"n.txt", libc::R_OK, Ids::Effective)
    }),
    // A lookup through another's 0700 directory, the effective set
    // without CAP_DAC_*: no search permission (path_resolution(7)).
    ("lookup_fstatat_search_caps_dropped", |f| {
        owned_by_nobody(f.dir, c"locked", true)?;
        drop_dac_capabilities()?;
        expect_errno(stat_at(f.dir, c"locked/f", 0), libc::EACCES)
    }),
    // Descriptors are ints (fs/stat.c: `int dfd`, `unsigned int fd`): the
    // high word of the register is not looked at, so AT_FDCWD
    // zero-extended is still the working directory (capsicum-test
    // linux.cc CheckHighWord does the same for prctl(2)).
    ("lookup_fstatat_fdcwd_high_word_clear", |_| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_newfstatat,
            u64::from(libc::AT_FDCWD as u32),
            c".".as_ptr(),
            &mut st,
            0
        ))?;
        Ok("the working directory's metadata".into())
    }),
    ("lookup_statx_fdcwd_high_word_clear", |_| {
        let mut st = zeroed_statx();
        sys!(libc::syscall(
            libc::SYS_statx,
            u64::from(libc::AT_FDCWD as u32),
            c".".as_ptr(),
            0,
            libc::STATX_BASIC_STATS,
            &mut st
        ))?;
        Ok("the working directory's metadata".into())
    }),
    ("lookup_readlinkat_fdcwd_high_word_clear", |_| {
        let mut b = [0u8; 64];
        let n = sys!(libc::syscall(
            libc::SYS_readlinkat,
            u64::from(libc::AT_FDCWD as u32),
            c".".as_ptr(),
            b.as_mut_ptr(),
            b.len()
        ))?;
        // Unsandboxed: EINVAL, "." found and no link.
        Ok(format!("{n} bytes from the working directory"))
    }),
    ("lookup_faccessat_fdcwd_high_word_clear", |_| {
        sys!(libc::syscall(
            libc::SYS_faccessat,
            u64::from(libc::AT_FDCWD as u32),
            c".".as_ptr(),
            libc::F_OK
        ))?;
        Ok("the working directory exists".into())
    }),
    // A descriptor with its high word set is the same descriptor.
    ("lookup_fstatat_dirfd_high_word", |f| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_newfstatat,
            (1u64 << 32) | f.dir as u64,
            c"inside.txt".as_ptr(),
            &mut st,
            0
        ))?;
        Ok(format!("size {}", st.st_size))
    }),
    ("lookup_fstat_high_word", |f| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_fstat,
            (1u64 << 32) | f.rw as u64,
            &mut st
        ))?;
        Ok(format!("size {}", st.st_size))
    }),
    // The filesystem uid alone (setfsuid(2)): from 0 to another it also
    // takes the filesystem capabilities out of the effective set
    // (capabilities(7), "Effect of user ID changes on capabilities"), so
    // nobody's 0700 directory is searched as its owner's, root's is not.
    ("lookup_fstatat_after_setfsuid", |f| {
        owned_by_nobody(f.dir, c"locked", true)?;
        sys!(libc::mkdirat(f.dir, c"rootonly".as_ptr(), 0o700))?;
        // setfsuid(2) answers the previous id, never an error.
        // SAFETY: changes the calling thread's filesystem uid.
        unsafe { libc::setfsuid(65534) };
        let nobodys = stat_at(f.dir, c"locked/f", 0);
        let roots = stat_at(f.dir, c"rootonly/.", 0);
        match (&nobodys, &roots) {
            (Ok(_), Err(e)) if e.raw_os_error() == Some(libc::EACCES) => {
                Ok("searched as nobody".into())
            }
            _ => Err(std::io::Error::other(format!(
                "nobody's {nobodys:?}, root's {roots:?}"
            ))),
        }
    }),
    // Supplementary groups (setgroups(2)): nobody's file readable by
    // group 4242 alone, and nobody's directory searchable by it, with no
    // DAC capability effective.
    ("lookup_after_setgroups", |f| {
        owned_by_nobody(f.dir, c"g.txt", false)?;
        owned_by_nobody(f.dir, c"gd", true)?;
        sys!(libc::fchownat(f.dir, c"g.txt".as_ptr(), 65534, 4242, 0))?;
        sys!(libc::fchmodat(f.dir, c"g.txt".as_ptr(), 0o040, 0))?;
        sys!(libc::fchownat(f.dir, c"gd".as_ptr(), 65534, 4242, 0))?;
        sys!(libc::fchmodat(f.dir, c"gd".as_ptr(), 0o010, 0))?;
        let before = stat_at(f.dir, c"gd/f", 0);
        sys!(libc::setgroups(1, [4242 as libc::gid_t].as_ptr()))?;
        drop_dac_capabilities()?;
        let read = sys!(libc::faccessat(
            f.dir,
            c"g.txt".as_ptr(),
            libc::R_OK,
            libc::AT_EACCESS
        ));
        let searched = stat_at(f.dir, c"gd/f", 0);
        let other = expect_errno(
            sys!(libc::faccessat(
                f.dir,
                c"g.txt".as_ptr(),
                libc::W_OK,
                libc::AT_EACCESS
            )),
            libc::EACCES,
        );
        match (&before, &read, &searched, &other) {
            (Ok(_), Ok(_), Ok(_), Ok(_)) => Ok("read and searched by group 4242".into()),
            _ => Err(std::io::Error::other(format!(
                "before {before:?}, read {read:?}, searched {searched:?}, write {other:?}"
            ))),
        }
    }),
    // A forked child's own credentials, not its parent's.
    ("lookup_child_after_setfsuid", |f| {
        owned_by_nobody(f.dir, c"locked", true)?;
        sys!(libc::mkdirat(f.dir, c"rootonly".as_ptr(), 0o700))?;
        let dir = f.dir;
        let childs = in_child(move || {
            // SAFETY: changes the calling thread's filesystem uid.
            unsafe { libc::setfsuid(65534) };
            let nobodys = stat_at(dir, c"locked/f", 0);
            let roots = stat_at(dir, c"rootonly/.", 0);
            match (&nobodys, &roots) {
                (Ok(_), Err(e)) if e.raw_os_error() == Some(libc::EACCES) => {
                    Ok("searched as nobody".into())
                }
                _ => Err(std::io::Error::other(format!(
                    "nobody's {nobodys:?}, root's {roots:?}"
                ))),
            }
        })?;
        // The parent, still root with its capabilities, searches both.
        stat_at(f.dir, c"rootonly/.", 0)?;
        Ok(childs)
    }),
    // The answer's buffer is the path's own bytes: the path is read
    // before anything is written (fs/stat.c readlinkat: getname first).
    ("lookup_readlinkat_buffer_is_path", |f| {
        let mut b = [0u8; 64];
        b[..12].copy_from_slice(b"escape_link\0");
        let mut first = [0u8; 64];
        let n = readlink(f.dir, c"escape_link", first.as_mut_ptr(), first.len())?;
        let n = sys!(libc::readlinkat(
            f.dir,
            b.as_ptr().cast(),
            b.as_mut_ptr().cast(),
            b.len()
        ))
        .map(|m| (n, m))?;
        if n.0 != n.1 || &b[..n.1 as usize] != b"../outside/secret.txt" {
            return Err(std::io::Error::other(format!("{n:?}: {b:?}")));
        }
        Ok("the link's text over its path".into())
    }),
    // The working directory's own metadata, "" or NULL with
    // AT_EMPTY_PATH from AT_FDCWD: a global namespace (Capsicum:
    // ECAPMODE for AT_FDCWD).
    ("lookup_fstatat_fdcwd_empty_path", |_| {
        stat_at(libc::AT_FDCWD, c"", libc::AT_EMPTY_PATH)
    }),
    ("lookup_statx_fdcwd_null_path", |_| {
        let mut st = zeroed_statx();
        sys!(libc::syscall(
            libc::SYS_statx,
            libc::AT_FDCWD,
            std::ptr::null::<libc::c_char>(),
            libc::AT_EMPTY_PATH,
            libc::STATX_BASIC_STATS,
            &mut st
        ))?;
        Ok(format!("the working directory, mode {:o}", st.stx_mode))
    }),
    ("lookup_readlinkat_fdcwd_empty", |_| {
        let mut b = [0u8; 8];
        readlink(libc::AT_FDCWD, c"", b.as_mut_ptr(), 8).map(|n| format!("{n} bytes"))
    }),
    // No descriptor: EBADF, as fstat(2) answers (AT_FDCWD is none).
    ("lookup_fstat_fdcwd", |_| {
        expect_errno(
            sys!(libc::syscall(
                libc::SYS_fstat,
                libc::AT_FDCWD,
                &mut zeroed_stat()
            )),
            libc::EBADF,
        )
    }),
    ("lookup_fstatfs_closed", |_| {
        expect_errno(fstatfs(999_999), libc::EBADF)
    }),
    // A buffer beginning in a read-only page and ending in a writable
    // one: the kernel faults on its first byte and writes nothing, so
    // the writable part keeps its bytes.
    ("lookup_fstatat_buffer_readonly_then_writable", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        let bytes = page.bytes();
        let half = bytes.len() / 2;
        bytes.fill(0xaa);
        let at = half - 16;
        sys!(libc::mprotect(page.at, half, libc::PROT_READ))?;
        let r = sys!(libc::fstatat(
            f.dir,
            c"inside.txt".as_ptr(),
            bytes[at..].as_mut_ptr().cast(),
            0
        ));
        untouched_after(expect_errno(r, libc::EFAULT), &bytes[half..])
    }),
    ("lookup_statx_buffer_readonly_then_writable", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        let bytes = page.bytes();
        let half = bytes.len() / 2;
        bytes.fill(0xaa);
        let at = half - 16;
        sys!(libc::mprotect(page.at, half, libc::PROT_READ))?;
        let r = sys!(libc::statx(
            f.dir,
            c"inside.txt".as_ptr(),
            0,
            libc::STATX_BASIC_STATS,
            bytes[at..].as_mut_ptr().cast()
        ));
        untouched_after(expect_errno(r, libc::EFAULT), &bytes[half..])
    }),
    ("lookup_readlinkat_buffer_readonly_then_writable", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        let bytes = page.bytes();
        let half = bytes.len() / 2;
        bytes.fill(0xaa);
        let at = half - 4;
        sys!(libc::mprotect(page.at, half, libc::PROT_READ))?;
        let r = readlink(f.dir, c"escape_link", bytes[at..].as_mut_ptr(), 64);
        untouched_after(expect_errno(r, libc::EFAULT), &bytes[half..])
    }),
    // The high word of int and unsigned int arguments (flags, mode,
    // mask) is not looked at (fs/stat.c, fs/open.c).
    ("lookup_fstatat_flags_high_word", |f| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_newfstatat,
            f.dir,
            c"escape_link".as_ptr(),
            &mut st,
            (1u64 << 32) | libc::AT_SYMLINK_NOFOLLOW as u64
        ))?;
        if st.st_size != 21 {
            return Err(std::io::Error::other(format!("size {}", st.st_size)));
        }
        Ok("the link itself".into())
    }),
    ("lookup_faccessat2_mode_flags_high_word", |f| {
        sys!(libc::syscall(
            libc::SYS_faccessat2,
            f.dir,
            c"escape_link".as_ptr(),
            (1u64 << 32) | libc::F_OK as u64,
            (1u64 << 32) | libc::AT_SYMLINK_NOFOLLOW as u64
        ))?;
        Ok("the link exists".into())
    }),
    ("lookup_statx_mask_high_word", |f| {
        let mut st = zeroed_statx();
        sys!(libc::syscall(
            libc::SYS_statx,
            f.dir,
            c"inside.txt".as_ptr(),
            (1u64 << 32) | libc::AT_SYMLINK_NOFOLLOW as u64,
            (1u64 << 32) | u64::from(libc::STATX_SIZE),
            &mut st
        ))?;
        Ok(format!("size {}", st.stx_size))
    }),
    // ro holds no fstat: AT_EMPTY_PATH with a high word set is still
    // its own metadata.
    ("lookup_ro_empty_path_flags_high_word", |f| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_newfstatat,
            f.ro,
            c"".as_ptr(),
            &mut st,
            (1u64 << 32) | libc::AT_EMPTY_PATH as u64
        ))?;
        Ok(format!("ro's size {}", st.st_size))
    }),
    ("lookup_fstatat_flags_high_word_out", |f| {
        let mut st = zeroed_stat();
        sys!(libc::syscall(
            libc::SYS_newfstatat,
            f.dir,
            c"../outside/secret.txt".as_ptr(),
            &mut st,
            1u64 << 32
        ))?;
        Ok(format!("secret.txt's size {}", st.st_size))
    }),
    // A removed directory's `..` is still its old parent, dir, above the
    // descriptor (Capsicum: ENOTCAPABLE); a name beneath it is gone.
    ("lookup_removed_dir_dotdot", |f| {
        let fd = removed_dir(f.dir)?;
        let seen = stat_at(fd, c"..", 0);
        close(fd);
        seen
    }),
    ("lookup_removed_dir_name_beneath", |f| {
        let fd = removed_dir(f.dir)?;
        let seen = expect_errno(stat_at(fd, c"x", 0), libc::ENOENT);
        close(fd);
        seen
    }),
    // The link dir/escape_link itself, held O_PATH | O_NOFOLLOW: "" with
    // AT_EMPTY_PATH is the link, never what it names outside.
    ("lookup_fstatat_empty_path_opath_link_out", |f| {
        let fd = openat(f.dir, c"escape_link", libc::O_PATH | libc::O_NOFOLLOW)?;
        let seen = stat_at(fd, c"", libc::AT_EMPTY_PATH);
        close(fd);
        link_itself(seen)
    }),
    ("lookup_statx_empty_path_opath_link_out", |f| {
        let fd = openat(f.dir, c"escape_link", libc::O_PATH | libc::O_NOFOLLOW)?;
        let seen = statx_at(fd, c"", libc::AT_EMPTY_PATH);
        close(fd);
        link_itself(seen)
    }),
    ("lookup_fstat_opath_link_out", |f| {
        let fd = openat(f.dir, c"escape_link", libc::O_PATH | libc::O_NOFOLLOW)?;
        let seen = fstat(fd);
        close(fd);
        link_itself(seen)
    }),
    // ro holds [read] alone: access(2) of it itself needs `fstat`
    // (FreeBSD kern_accessat: cap_fstat_rights).
    ("lookup_ro_faccessat2_empty_path", |f| {
        sys!(libc::syscall(
            libc::SYS_faccessat2,
            f.ro,
            c"".as_ptr(),
            libc::R_OK,
            libc::AT_EMPTY_PATH
        ))?;
        Ok("ro may be read".into())
    }),
    // A link of PATH_MAX - 1 bytes (the longest symlink(2) makes), read
    // whole with a buffer larger than PATH_MAX, and cut short by a
    // smaller one (readlink(2): no NUL, truncated).
    ("lookup_readlinkat_longest_link", |f| {
        let target = "a/".repeat(2047) + "b";
        sys!(libc::symlinkat(
            c(&target).as_ptr(),
            f.dir,
            c"long".as_ptr()
        ))?;
        let mut b = vec![0xaau8; 8192];
        let n = readlink(f.dir, c"long", b.as_mut_ptr(), b.len())? as usize;
        let whole = n == 4095 && &b[..n] == target.as_bytes() && b[n] == 0xaa;
        let m = readlink(f.dir, c"long", b.as_mut_ptr(), 100)? as usize;
        if !whole || m != 100 {
            return Err(std::io::Error::other(format!("{n} then {m} bytes")));
        }
        Ok("4095 bytes, then 100".into())
    }),
    // A component longer than NAME_MAX: ENAMETOOLONG.
    ("lookup_fstatat_component_too_long", |f| {
        let name = "x".repeat(256);
        expect_errno(stat_at(f.dir, &c(&name), 0), libc::ENAMETOOLONG)
    }),
    // Dangling links: within dir, ENOENT followed and the link itself not
    // followed; leading out, refused (Capsicum: ENOTCAPABLE).
    ("lookup_statx_dangling_link_inside", |f| {
        sys!(libc::symlinkat(
            c"nothing".as_ptr(),
            f.dir,
            c"dangle".as_ptr()
        ))?;
        let link = statx_at(f.dir, c"dangle", libc::AT_SYMLINK_NOFOLLOW)?;
        if link != "size 7" {
            return Err(std::io::Error::other(link));
        }
        expect_errno(statx_at(f.dir, c"dangle", 0), libc::ENOENT)
    }),
    ("lookup_statx_dangling_link_out", |f| {
        sys!(libc::symlinkat(
            c"../outside/nothing".as_ptr(),
            f.dir,
            c"dangle".as_ptr()
        ))?;
        statx_at(f.dir, c"dangle", 0)
    }),
];

fn zeroed_stat() -> libc::stat {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    unsafe { std::mem::zeroed() }
}

fn zeroed_statx() -> libc::statx {
    // SAFETY: `statx` is plain old data; all zeroes is a valid value.
    unsafe { std::mem::zeroed() }
}

/// readlinkat(2) of `path` beneath `dir` into `buf` of `size` bytes.
fn readlink(dir: RawFd, path: &CStr, buf: *mut u8, size: usize) -> std::io::Result<isize> {
    sys!(libc::readlinkat(dir, path.as_ptr(), buf.cast(), size))
}

/// `./././…inside.txt` of `len` bytes (without its NUL).
fn long_path(len: usize) -> std::ffi::CString {
    let tail = "inside.txt";
    let mut s = "./".repeat((len - tail.len()) / 2);
    if s.len() + tail.len() < len {
        s.push('/');
    }
    s.push_str(tail);
    assert_eq!(s.len(), len);
    c(&s)
}

/// fstatfs(2).
fn fstatfs(fd: RawFd) -> Attempt {
    // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
    let mut sf: libc::statfs = unsafe { std::mem::zeroed() };
    sys!(libc::fstatfs(fd, &mut sf))?;
    Ok(format!("type {:#x}", sf.f_type))
}

/// `attempt` on a pipe, a socket, a memfd and an eventfd in turn.
fn each_anonymous(attempt: impl Fn(RawFd) -> Attempt) -> Attempt {
    let [r, w] = pipe()?;
    let mut fds = vec![r, w];
    fds.push(sys!(libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0))?);
    fds.push(sys!(libc::memfd_create(c"m".as_ptr(), 0))?);
    fds.push(sys!(libc::eventfd(0, 0))?);
    let mut seen = Vec::new();
    for &fd in &fds {
        seen.push(attempt(fd));
    }
    for fd in fds {
        close(fd);
    }
    let seen: Result<Vec<_>, _> = seen.into_iter().collect();
    Ok(seen?.join(", "))
}

/// `name` beneath `dir` owned by nobody, mode 0600: a file, or with
/// `dir_with_file` a 0700 directory holding a file `f`.
pub(super) fn owned_by_nobody(dir: RawFd, name: &CStr, dir_with_file: bool) -> std::io::Result<()> {
    as_root()?;
    if dir_with_file {
        sys!(libc::mkdirat(dir, name.as_ptr(), 0o700))?;
        let inner = openat(dir, name, libc::O_RDONLY | libc::O_DIRECTORY)?;
        let made = openat(inner, c"f", libc::O_CREAT | libc::O_WRONLY);
        close(inner);
        close(made?);
    } else {
        close(openat(dir, name, libc::O_CREAT | libc::O_WRONLY)?);
        sys!(libc::fchmodat(dir, name.as_ptr(), 0o600, 0))?;
    }
    sys!(libc::fchownat(dir, name.as_ptr(), 65534, 65534, 0))?;
    Ok(())
}

/// `Ok` when the probe runs as root, else an error: a case changing ids
/// has nothing to tell apart otherwise.
pub(super) fn as_root() -> std::io::Result<()> {
    // SAFETY: getuid(2) cannot fail.
    if unsafe { libc::getuid() } != 0 {
        return Err(std::io::Error::other("not root: nothing to tell apart"));
    }
    Ok(())
}

/// Keeps CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in the permitted set
/// alone, none effective (capset(2); capget(2) is not allowed):
/// CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2),
/// include/uapi/linux/capability.h.
pub(super) fn drop_dac_capabilities() -> std::io::Result<()> {
    set_capabilities(0, (1 << 1) | (1 << 2))
}

/// Sets the calling thread's effective and permitted capabilities
/// (capset(2), `_LINUX_CAPABILITY_VERSION_3`, the first 32).
pub(super) fn set_capabilities(effective: u32, permitted: u32) -> std::io::Result<()> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let header = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let mut data = [Data::default(); 2];
    data[0].effective = effective;
    data[0].permitted = permitted;
    sys!(libc::syscall(libc::SYS_capset, &header, data.as_ptr())).map(drop)
}

/// `result`, unless `after` (bytes past the buffer's unwritable start)
/// lost its 0xaa filling.
fn untouched_after(result: Attempt, after: &[u8]) -> Attempt {
    match after.iter().position(|&b| b != 0xaa) {
        Some(i) => Err(std::io::Error::other(format!(
            "byte {i} of the writable page written ({result:?})"
        ))),
        None => result,
    }
}

/// A directory `gone` made beneath `dir`, opened O_PATH, then removed.
fn removed_dir(dir: RawFd) -> std::io::Result<RawFd> {
    sys!(libc::mkdirat(dir, c"gone".as_ptr(), 0o755))?;
    let fd = openat(dir, c"gone", libc::O_PATH | libc::O_DIRECTORY)?;
    if let Err(e) = sys!(libc::unlinkat(dir, c"gone".as_ptr(), libc::AT_REMOVEDIR)) {
        close(fd);
        return Err(e);
    }
    Ok(fd)
}

/// `seen` when it is the metadata of escape_link itself (21 bytes: the
/// length of "../outside/secret.txt"), not of what it names.
fn link_itself(seen: Attempt) -> Attempt {
    match seen? {
        s if s == "size 21" => Ok("the link itself".into()),
        s => Err(std::io::Error::other(format!("not the link: {s}"))),
    }
}

/// Which ids an access check answers by: faccessat(2) without flags takes
/// the real ones, `AT_EACCESS` the effective ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ids {
    Real,
    Effective,
}

/// faccessat2 of `path` beneath `dir` for `mode` by the real and by the
/// effective ids: `Ok` when the check by `refused` answers `EACCES` and
/// the other succeeds, as the unsandboxed kernel answers.
fn one_refused(dir: RawFd, path: &CStr, mode: i32, refused: Ids) -> Attempt {
    let access = |flags: i32| {
        sys!(libc::syscall(
            libc::SYS_faccessat2,
            dir,
            path.as_ptr(),
            mode,
            flags
        ))
        .map(drop)
    };
    let (real, effective) = (access(0), access(libc::AT_EACCESS));
    let (no, yes) = match refused {
        Ids::Real => (&real, &effective),
        Ids::Effective => (&effective, &real),
    };
    match (no, yes) {
        (Err(e), Ok(())) if e.raw_os_error() == Some(libc::EACCES) => {
            Ok(format!("the {refused:?} ids may not, the others may"))
        }
        _ => Err(std::io::Error::other(format!(
            "real {real:?}, effective {effective:?}"
        ))),
    }
}
