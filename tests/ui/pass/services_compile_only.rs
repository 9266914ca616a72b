// Compile-only: a service needs a backend that provides it.
use sandboxed::sandboxed;
use sandboxed::services::{Dns, FileArgs, Grp, Net, Pwd, Sysctl, Syslog};

#[sandboxed(services(
    dns(types = [name2addr, addr2name], families = [inet, inet6]),
    net(
        modes = [name2addr, connect, bind],
        hosts = [("example.org", "https"), "localhost", (_, "53")],
        families = [inet],
        bind = ["0.0.0.0:8080"],
        connect = ["127.0.0.1:80", "[::1]:443"],
    ),
    pwd(cmds = [getpwnam, getpwuid], fields = [pw_name, pw_uid, pw_dir], users = ["root", 0]),
    grp(cmds = [getgrnam], fields = [gr_name, gr_mem], groups = ["wheel", 0]),
    sysctl(read = ["kern.ostype", "kern.osrelease"], write = ["kern.hostname"], recursive = ["kern.ostype"]),
    syslog,
    fileargs(args(1..), read, rights = [read, fstat, seek], operations = [open, lstat, realpath]),
))]
fn run(dns: Dns, net: Net, pwd: Pwd, grp: Grp, sysctl: Sysctl, syslog: Syslog, fileargs: FileArgs) {
    let _ = (dns, net, pwd, grp, sysctl, syslog);
    // Files from `fileargs` carry its declared rights in their type.
    let mut file = fileargs.open("input").unwrap();
    let mut text = String::new();
    let _ = std::io::Read::read_to_string(&mut file, &mut text);
    let _ = std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0));
}

#[sandboxed(services(dns))]
fn smallest(dns: Dns) {
    let _ = dns;
}

// fileargs_init(3)'s `mode` for created files.
#[sandboxed(services(fileargs(args(1..), write, create, mode = 0o640)))]
fn created(fileargs: FileArgs) {
    let _ = fileargs;
}

fn main() {
    let _ = (run as fn(), smallest as fn(), created as fn());
}
