//! The API key appears in no log line, error text or Debug output.

use crate::common::*;
use jcsim::model::Role;
use jcsim::Faults;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_never_shows_up() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let env = start(150).await;
    let key = env.key(Role::Administrator);
    let c = env.admin();
    let mut texts = vec![format!("{c:?}"), format!("{:?}", c.config())];
    env.faults(Faults {
        error_5xx_rate: 0.5,
        rate_limit_rps: 30.0,
        rate_limit_burst: 2,
        ..Faults::default()
    });
    let _ = c.users().list_all().await;
    env.faults(Faults {
        reset_rate: 1.0,
        ..Faults::default()
    });
    for e in [
        c.users().suspend("000000000000000000000000").await.unwrap_err(),
        env.client(Role::ReadOnly).users().reset_mfa("x").await.unwrap_err(),
    ] {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
    }
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.len() > 100, "tracing captured the client's logs");
    texts.push(logs);
    for t in &texts {
        assert!(!t.contains(&key), "the key leaked into: {}", &t[..t.len().min(400)]);
    }
    assert!(
        texts[0].contains("<redacted>"),
        "Debug shows the key as redacted: {}",
        texts[0]
    );
}
