//! A minimal HTTP/1.1 GET for the benchmarks: keep-alive, with plain or chunked bodies (pages are streamed).

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one GET on `stream` and reads the whole response, plain or chunked; returns the status.
pub async fn get(stream: &mut TcpStream, addr: SocketAddr, path: &str, cookie: &str) -> u16 {
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\n{cookie}\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
    };
    let headers = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let status = headers[9..12].parse().expect("status");
    let mut body = buf.split_off(end + 4);
    let length = headers.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .map(|v| v.trim().parse::<usize>().unwrap())
    });
    match length {
        Some(length) => {
            while body.len() < length {
                let n = stream.read(&mut chunk).await.expect("read body");
                assert!(n > 0, "connection closed");
                body.extend_from_slice(&chunk[..n]);
            }
        }
        // Chunked: read until the last, empty chunk.
        None => {
            let mut at = 0;
            loop {
                let line_end = loop {
                    if let Some(i) = body[at..].windows(2).position(|w| w == b"\r\n") {
                        break at + i;
                    }
                    let n = stream.read(&mut chunk).await.expect("read chunk");
                    assert!(n > 0, "connection closed");
                    body.extend_from_slice(&chunk[..n]);
                };
                let size_text = String::from_utf8_lossy(&body[at..line_end]).to_string();
                let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
                    .expect("chunk size");
                let next = line_end + 2 + size + 2;
                while body.len() < next {
                    let n = stream.read(&mut chunk).await.expect("read chunk");
                    assert!(n > 0, "connection closed");
                    body.extend_from_slice(&chunk[..n]);
                }
                at = next;
                if size == 0 {
                    break;
                }
            }
        }
    }
    status
}
