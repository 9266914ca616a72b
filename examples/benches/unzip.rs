//! The sandboxed unzip against Info-ZIP's on a 100 MB archive of many
//! small files (20 000 files of 5.5 KB, mostly incompressible, deflated,
//! in 100 directories), best of 5 runs each, extracting into an emptied
//! directory every time (in /dev/shm where there is one); goal: ratio <=
//! 1.2.

mod common;

use std::io::Write;

use common::{installed, noise, versus};

const FILES: usize = 20_000;
const FILE_SIZE: usize = 5_500;
/// Random bytes per file; the rest repeats one byte.
const RANDOM: usize = 5_000;
const RUNS: usize = 5;

fn main() {
    let reference = "/usr/bin/unzip";
    if !installed(reference) {
        return;
    }
    // In memory where the system has it (tmpfs): the figure is then the
    // tools' work and their system calls, not the disk's writeback of the
    // previous run, which on a shared machine varies more than they do.
    let dir = match tempfile::tempdir_in("/dev/shm") {
        Ok(d) => d,
        Err(_) => tempfile::tempdir().expect("temporary directory"),
    };
    let archive = dir.path().join("many.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).expect("archive"));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o644);
        for i in 0..FILES {
            zip.start_file(format!("d{:03}/file{i:05}.txt", i % 100), options)
                .expect("entry");
            let mut data = noise(RANDOM, i as u64 + 1);
            data.extend(std::iter::repeat_n(
                b'a' + (i % 26) as u8,
                FILE_SIZE - RANDOM,
            ));
            zip.write_all(&data).expect("entry data");
        }
        zip.finish().expect("archive");
    }
    let size = std::fs::metadata(&archive).expect("archive").len();
    let out = dir.path().join("out");
    let empty_out = || {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir(&out).expect("out");
    };
    let tools = (reference, env!("CARGO_BIN_EXE_unzip"));
    let what = format!(
        "unzip {FILES} files of {FILE_SIZE} B ({} MB archive, {} MB extracted)",
        size / 1_000_000,
        FILES * FILE_SIZE / 1_000_000
    );
    versus(
        &what,
        "<= 1.2x",
        RUNS,
        tools,
        &["-q", "many.zip", "-d", "out"],
        dir.path(),
        &[0],
        &empty_out,
    );
}
