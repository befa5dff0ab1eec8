//! The types of a small HTTP-like server, for the router in
//! `tests/ui/router.rs`: requests, responses, and a pause that stands for
//! a request to another service.

use std::time::Duration;

/// A request: a path and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub path: String,
    pub body: String,
}

impl Request {
    pub fn new(path: &str, body: &str) -> Request {
        Request {
            path: path.to_owned(),
            body: body.to_owned(),
        }
    }
}

/// A response: a status code and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    /// `200` with `body`.
    pub fn ok(body: impl Into<String>) -> Response {
        Response {
            status: 200,
            body: body.into(),
        }
    }

    /// `404`: no handler for the path.
    pub fn not_found() -> Response {
        Response {
            status: 404,
            body: String::new(),
        }
    }
}

/// Waits a moment, as a call to a database or another service would.
pub async fn pause() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}
