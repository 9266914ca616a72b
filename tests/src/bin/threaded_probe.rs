//! Starts a thread before the sandbox is entered (in a `{ expr }` source,
//! which the attribute evaluates before entry): the Linux backend must
//! refuse to enter a multithreaded process, because seccomp and Landlock
//! would confine only the calling thread. Run by tests/tests/escape.rs.

#[cfg(target_os = "linux")]
mod linux {
    use std::time::Duration;

    use sandboxed::{sandboxed, File};

    /// Starts a thread that outlives entry and returns a harmless path.
    fn start_a_thread() -> &'static str {
        std::thread::spawn(|| std::thread::sleep(Duration::from_secs(5)));
        // Give the thread time to exist in /proc/self/task.
        std::thread::sleep(Duration::from_millis(20));
        "/dev/null"
    }

    #[sandboxed(preopen(null = file({ start_a_thread() })), rights(stdio))]
    pub fn main(null: File) {
        let _ = null;
        println!("body ran");
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the escape suite attacks the Linux backend");
}
