use sandboxed::sandboxed;
use sandboxed::services::Syslog;

#[sandboxed(services(syslog(facility = [daemon])))]
fn main(syslog: Syslog) {
    let _ = syslog;
}
