// Omitted rights are the smallest set the open flags need: the
// vocabulary's `default_file_rights` and `DEFAULT_DIR_RIGHTS`, which the
// attribute and the runtime share. Run by trybuild.
use sandboxed::decl::OpenFlags;
use sandboxed::rights::{default_file_rights, RightsMarker, DEFAULT_DIR_RIGHTS};
use sandboxed::{sandboxed, Dir, File};

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
    let read = OpenFlags::READ;
    let write = OpenFlags { read: false, write: true, ..read };
    let default = |f| default_file_rights(&f);
    assert_eq!(rights_of_r::RIGHTS, default(read));
    assert_eq!(rights_of_w::RIGHTS, default(write));
    assert_eq!(rights_of_rw::RIGHTS, default(OpenFlags { write: true, ..read }));
    assert_eq!(rights_of_a::RIGHTS, default(OpenFlags { write: false, append: true, ..write }));
    assert_eq!(rights_of_t::RIGHTS, default(OpenFlags { truncate: true, ..write }));
    assert!(rights_of_t::RIGHTS.allows(sandboxed::Right::Ftruncate));
    assert_eq!(rights_of_d::RIGHTS, DEFAULT_DIR_RIGHTS);
    assert_eq!(<rights_of_r as RightsMarker>::NAME, "r");
    let _ = (r, w, rw, a, t, d);
}
