//! Documentation kept once: the README points at the attribute reference
//! (`runtime/src/attribute.md`, also the rustdoc of `sandboxed::sandboxed`)
//! instead of holding a copy that nothing keeps in step.

const README: &str = include_str!("../../README.md");
const REFERENCE: &str = include_str!("../../runtime/src/attribute.md");

#[test]
fn the_readme_links_the_attribute_reference() {
    assert!(
        README.contains("](runtime/src/attribute.md)"),
        "README.md no longer links runtime/src/attribute.md"
    );
}

#[test]
fn the_readme_copies_no_paragraph_of_the_attribute_reference() {
    let lines: Vec<&str> = REFERENCE.lines().collect();
    for run in lines.windows(3) {
        if run.iter().any(|l| l.trim().len() < 20) {
            continue;
        }
        let text = run.join("\n");
        assert!(
            !README.contains(&text),
            "README.md repeats runtime/src/attribute.md; link it instead:\n{text}"
        );
    }
}

/// The guide's programs are the example files themselves (after their
/// `//!` header), so the README shows what the tests run.
#[test]
fn the_readme_guide_shows_the_example_programs_whole() {
    for (name, source) in [
        ("wc", include_str!("../../examples/src/bin/wc.rs")),
        (
            "echo_server",
            include_str!("../../examples/src/bin/echo_server.rs"),
        ),
        ("stamp", include_str!("../../examples/src/bin/stamp.rs")),
        ("journal", include_str!("../../examples/src/bin/journal.rs")),
    ] {
        let code = source
            .lines()
            .skip_while(|l| l.starts_with("//!") || l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            README.contains(&format!("```rust\n{code}\n```")),
            "README.md's guide no longer shows examples/src/bin/{name}.rs as it is"
        );
    }
}
