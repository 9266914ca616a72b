//! `resolve [-6] HOST...`: prints the IPv4 addresses of each HOST, one per
//! line, looked up through the `dns` service.
//!
//! Pattern: a service limited to exactly what the program needs: forward
//! lookups (`name2addr`) in the `inet` family, as Capsicum's ping limits
//! `system.dns`. The process itself can open no socket and read no file
//! (`/etc/hosts`, `/etc/resolv.conf` are the service's); asking the service
//! for more (`-6`: IPv6 addresses) is refused by it.

use std::process::ExitCode;

use sandboxed::decl::Family;
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(
    services(dns(types = [name2addr], families = [inet])),
    rights(stdio),
)]
fn main(dns: Dns) -> ExitCode {
    let mut family = Family::Inet;
    let mut hosts = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-4" => family = Family::Inet,
            "-6" => family = Family::Inet6,
            a if a.starts_with('-') => {
                eprintln!("resolve: unknown option {a}\nusage: resolve [-4 | -6] HOST...");
                return ExitCode::from(2);
            }
            _ => hosts.push(arg),
        }
    }
    if hosts.is_empty() {
        eprintln!("usage: resolve [-4 | -6] HOST...");
        return ExitCode::from(2);
    }
    let mut status = ExitCode::SUCCESS;
    for host in &hosts {
        match dns.lookup_host_in(host, family) {
            Ok(addrs) => {
                for addr in addrs {
                    println!("{host}\t{addr}");
                }
            }
            Err(e) if sandboxed::is_violation(&e) => {
                eprintln!("resolve: {host}: refused by the sandbox's dns limits: {e}");
                status = ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("resolve: {host}: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
