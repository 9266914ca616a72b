use sandboxed::sandboxed;
use sandboxed::services::Grp;

#[sandboxed(services(grp(users = [0])))]
fn main(grp: Grp) {
    let _ = grp;
}
