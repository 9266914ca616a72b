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
    let _ = (dns, net, pwd, grp, sysctl, syslog, fileargs);
}

#[sandboxed(services(dns))]
fn smallest(dns: Dns) {
    let _ = dns;
}

fn main() {
    let _ = (run as fn(), smallest as fn());
}
