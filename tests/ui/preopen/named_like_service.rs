// A preopen and a service of one name: one parameter, two declarations.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(dns = file(arg(1))), services(dns))]
fn main(dns: File) {
    let _ = dns;
}
