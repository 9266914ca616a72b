use sandboxed::{sandboxed, File};

#[sandboxed(preopen(web = tcp_listener("127.0.0.1:80")))]
fn main(web: File) {
    let _ = web;
}
