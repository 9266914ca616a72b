// Omitted rights are the smallest set the open flags need: the
// vocabulary's `default_file_rights` and `DEFAULT_DIR_RIGHTS`, which the
// attribute and the runtime share. Run by trybuild.
use sandboxed::decl::OpenFlags;
use sandboxed::rights::{default_file_rights, RightsMarker, DEFAULT_DIR_RIGHTS};
use sandboxed::{sandboxed, Dir, File};

fn flags(read: bool, write: bool, append: bool, truncate: bool) -> OpenFlags {
    OpenFlags {
        read,
        write,
        append,
        truncate,
        ..OpenFlags::READ
    }
}

#[sandboxed(
    preopen(
        r = file("/dev/null"),
        w = file("/dev/null", write),
        rw = file("/dev/null", read, write),
        a = file("/dev/null", append),
        t = file("/dev/null", write, truncate),
        d = dir("/"),
    ),
    on_unsupported = "warn",
)]
fn main(r: File, w: File, rw: File, a: File, t: File, d: Dir) {
    let default = |f| default_file_rights(&f);
    assert_eq!(rights_of_r::RIGHTS, default(flags(true, false, false, false)));
    assert_eq!(rights_of_w::RIGHTS, default(flags(false, true, false, false)));
    assert_eq!(rights_of_rw::RIGHTS, default(flags(true, true, false, false)));
    assert_eq!(rights_of_a::RIGHTS, default(flags(false, false, true, false)));
    assert_eq!(rights_of_t::RIGHTS, default(flags(false, true, false, true)));
    assert!(rights_of_t::RIGHTS.allows(sandboxed::Right::Ftruncate));
    assert_eq!(rights_of_d::RIGHTS, DEFAULT_DIR_RIGHTS);
    assert_eq!(<rights_of_r as RightsMarker>::NAME, "r");
    let _ = (r, w, rw, a, t, d);
}
