//! The response as sent: the record faults reshaping a JSON answer, the response faults
//! cutting or resetting it, and a report artifact streamed from its file.

use crate::api::Resp;
use crate::faults::Faults;
use crate::server::{LoggedRequest, SimState};
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use bytes::Bytes;

/// A report artifact's download (written when downloaded; gigabytes for a large org).
pub(crate) fn is_artifact(path: &str) -> bool {
    path.contains("/reports/") && path.ends_with("/content")
}

/// The odd- and malformed-record faults: a successful JSON answer's records reshaped.
pub(crate) fn reshape_records(faults: &Faults, path: &str, mut resp: Resp) -> Resp {
    // Report artifacts hold association rows, not records (and can be very large).
    if (faults.odd_records || faults.malformed_records)
        && resp.is_json
        && resp.status.is_success()
        && !is_artifact(path)
    {
        if let Some(body) = crate::shapes::reshape(&resp.body, faults.odd_records, faults.malformed_records) {
            resp.body = body;
        }
    }
    resp
}

/// The response as sent: reset or cut in half when a response fault strikes, whole otherwise.
pub(crate) fn respond(
    state: &SimState,
    faults: &Faults,
    method: &Method,
    path: &str,
    resp: Resp,
    entry: &mut LoggedRequest,
) -> Response {
    // Response faults happen after the handler took effect: the change is made, the answer is lost.
    // A spooled body (a report artifact) is sent as it is read, whole: its own faults are the
    // report's (`ReportFault`).
    let faultable = faults.applies_to(method.as_str(), path) && resp.status.is_success() && resp.spooled.is_none();
    if faultable && state.roll(faults.reset_rate) && state.spend_budget() {
        entry.fault = "reset".into();
        reset_response(resp)
    } else if faultable && resp.is_json && state.roll(faults.truncate_rate) && state.spend_budget() {
        entry.fault = "truncated".into();
        let mut r = resp;
        let cut = r.body.len() / 2;
        r.body.truncate(cut);
        into_response(r)
    } else {
        into_response(resp)
    }
}

pub(crate) fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = Response::new(Body::from(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

fn into_response(r: Resp) -> Response {
    let mut out = match &r.spooled {
        Some(file) => {
            let mut res = Response::new(spooled_body(file.clone()));
            if let Ok(v) = HeaderValue::try_from(file.len.to_string()) {
                res.headers_mut().insert("content-length", v);
            }
            res
        }
        None => Response::new(Body::from(r.body)),
    };
    *out.status_mut() = r.status;
    let h = out.headers_mut();
    if r.status != StatusCode::NO_CONTENT {
        h.insert(
            "content-type",
            HeaderValue::from_static(if r.is_json {
                "application/json; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            }),
        );
    }
    for (k, v) in r.headers {
        if let (Ok(k), Ok(v)) = (axum::http::HeaderName::try_from(k), HeaderValue::try_from(v)) {
            h.insert(k, v);
        }
    }
    out
}

/// A file's bytes as a streamed body, 1 MB at a time (the file is removed once no one holds
/// it: sent, and no longer the newest report's written-ahead JSON). Each
/// read is a plain one: the file was just written and is in the system's cache.
fn spooled_body(file: std::sync::Arc<crate::reports::Spooled>) -> Body {
    use std::io::Read;
    let open = std::fs::File::open(&file.path);
    let stream = futures_util::stream::unfold(Some((open, file)), |state| async move {
        let (open, file) = state?;
        let mut f = match open {
            Ok(f) => f,
            Err(e) => return Some((Err(e), None)),
        };
        let mut buf = vec![0u8; 1 << 20];
        match f.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some((Ok(f), file))))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(stream)
}

/// Sends the headers and half the body, then fails the stream so the connection is reset.
fn reset_response(r: Resp) -> Response {
    let full = r.body.len();
    let half = Bytes::from(r.body[..full / 2].to_vec());
    let stream = futures_util::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "jcsim: injected connection reset",
        )),
    ]);
    let mut out = Response::new(Body::from_stream(stream));
    // A 204 carries no body, so there would be nothing to cut: send it as a 200 whose body breaks.
    *out.status_mut() = if r.status == StatusCode::NO_CONTENT {
        StatusCode::OK
    } else {
        r.status
    };
    out.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    // Announce the full length so a client cannot mistake the cut body for a complete one.
    if let Ok(v) = HeaderValue::try_from(full.max(1).to_string()) {
        out.headers_mut().insert("content-length", v);
    }
    out
}
