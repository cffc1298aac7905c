//! The listener's limits against real clients over loopback: a slow sender of headers or of a
//! body, an idle connection, and an address over its connection cap.

use axum::Router;
use axum::routing::{get, post};
use peershare_listener::{Limits, serve};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Short limits, so the tests see them act.
const LIMITS: Limits = Limits {
    headers: Duration::from_millis(800),
    body: Duration::from_millis(800),
    answer: Duration::from_secs(5),
    connections_per_address: 3,
};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(20);

async fn server() -> SocketAddr {
    let app = Router::new()
        .route("/", get(|| async { "hello" }))
        .route("/echo", post(|body: String| async move { body }));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve(listener, app, LIMITS, std::future::pending()));
    addr
}

/// Reads until the server closes the connection (or the deadline): what it sent.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server never closed the connection");
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn a_client_sending_its_headers_a_byte_at_a_time_is_cut_off() {
    let addr = server().await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let request = b"GET / HTTP/1.1\r\nhost: x\r\nx-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut cut = false;
    for byte in request {
        if stream.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if started.elapsed() > DEADLINE {
            break;
        }
    }
    // Sending 80 bytes this way takes 8 s; the limit is 0.8 s.
    let answer = if cut { String::new() } else { read_to_close(&mut stream).await };
    assert!(!answer.contains("hello"), "the slow request was served: {answer}");
    assert!(started.elapsed() < Duration::from_secs(7), "cut after {:?}", started.elapsed());
}

#[tokio::test]
async fn an_idle_connection_is_closed_and_a_prompt_one_is_served() {
    let addr = server().await;
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    assert_eq!(read_to_close(&mut idle).await, "", "nothing sent, nothing answered");
    assert!(started.elapsed() >= Duration::from_millis(700), "closed after {:?}", started.elapsed());

    let mut prompt = TcpStream::connect(addr).await.expect("connect");
    prompt.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("send");
    let answer = read_to_close(&mut prompt).await;
    assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("hello"), "{answer}");
}

#[tokio::test]
async fn a_body_that_trickles_in_is_refused() {
    let addr = server().await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(
            b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\nab",
        )
        .await
        .expect("send");
    let answer = read_to_close(&mut stream).await;
    assert!(!answer.contains("200 OK"), "the trickling body was accepted: {answer}");
}

#[tokio::test]
async fn an_address_over_its_connection_cap_gets_429_until_one_closes() {
    let addr = server().await;
    let mut held = Vec::new();
    for _ in 0..LIMITS.connections_per_address {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        // Start a request so the server has surely accepted the connection.
        stream.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n").await.expect("send");
        held.push(stream);
    }
    // The server accepts in order, so these three are counted before the next one.
    let mut over = TcpStream::connect(addr).await.expect("connect");
    let answer = read_to_close(&mut over).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(answer.contains("\"error\":\"too_many_connections\""), "{answer}");

    // The held connections time out (headers never finished) and free their places.
    for mut stream in held {
        read_to_close(&mut stream).await;
    }
    let deadline = Instant::now() + DEADLINE;
    loop {
        let mut again = TcpStream::connect(addr).await.expect("connect");
        again.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("send");
        let answer = read_to_close(&mut again).await;
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "no place freed: {answer}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
