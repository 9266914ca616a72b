// Omitted rights are the smallest set the open flags need, the same as the
// runtime's `default_file_rights` and `DEFAULT_DIR_RIGHTS`. Run by trybuild.
use sandboxed::rights::{default_file_rights, Right, RightSet, RightsMarker, DEFAULT_DIR_RIGHTS};
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
    assert_eq!(rights_of_r::RIGHTS, default_file_rights(true, false, false));
    assert_eq!(rights_of_w::RIGHTS, default_file_rights(false, true, false));
    assert_eq!(rights_of_rw::RIGHTS, default_file_rights(true, true, false));
    assert_eq!(rights_of_a::RIGHTS, default_file_rights(false, true, true));
    assert_eq!(
        rights_of_t::RIGHTS,
        default_file_rights(false, true, false).union(RightSet::of(&[Right::Ftruncate]))
    );
    assert_eq!(rights_of_d::RIGHTS, DEFAULT_DIR_RIGHTS);
    assert_eq!(<rights_of_r as RightsMarker>::NAME, "r");
    let _ = (r, w, rw, a, t, d);
}
