//! Directory Insights bulk reports: request, list, download (`crate::reports`).

use super::*;
use crate::reports::{ReportFault, REPORT_TYPES};

/// 403 for roles without Reports (and when refusal is asked for).
fn reports_allowed(state: &SimState, ctx: &Ctx) -> Result<(), Resp> {
    let refused = state.reports.lock().expect("reports lock").settings.fault == Some(ReportFault::Refused);
    if refused || !ctx.admin.role.may_read_reports() {
        Err(di_error(
            StatusCode::FORBIDDEN,
            "User role does not have access to Reports",
        ))
    } else {
        Ok(())
    }
}

pub(super) fn report_create(state: &SimState, ctx: &Ctx, kind: &str) -> Resp {
    if let Err(e) = reports_allowed(state, ctx) {
        return e;
    }
    if !REPORT_TYPES.contains(&kind) {
        return di_error(
            StatusCode::BAD_REQUEST,
            &format!("invalid report_type \"{kind}\": one of {}", REPORT_TYPES.join(", ")),
        );
    }
    let meta = state.reports.lock().expect("reports lock").request(
        ctx.org,
        kind,
        (&ctx.admin.id, &ctx.admin.email),
        ctx.now_ms,
    );
    Resp::value(StatusCode::ACCEPTED, &meta)
}

pub(super) fn report_list(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = reports_allowed(state, ctx) {
        return e;
    }
    // `-CREATED_AT` is ascending, as the spec says ("prefix with - to sort ascending").
    let ascending = match query_param(req, "sort").as_deref() {
        None | Some("CREATED_AT") => false,
        Some("-CREATED_AT") => true,
        Some(other) => {
            return di_error(
                StatusCode::BAD_REQUEST,
                &format!("invalid sort \"{other}\": CREATED_AT or -CREATED_AT"),
            )
        }
    };
    let list = state
        .reports
        .lock()
        .expect("reports lock")
        .list(ctx.org, ctx.now_ms, ascending);
    Resp::ok(&Value::Array(list))
}

pub(super) fn report_content(state: &SimState, ctx: &Ctx, report: &str, artifact: &str) -> Resp {
    if let Err(e) = reports_allowed(state, ctx) {
        return e;
    }
    // The reports' lock only to find the artifact (and, for a JSON one written ahead, to look
    // whether it is done): writing a large report takes minutes, and the other orgs' reports
    // are polled meanwhile.
    let artifact = state
        .reports
        .lock()
        .expect("reports lock")
        .artifact(ctx.org, report, artifact, ctx.now_ms);
    let found = artifact.and_then(|a| {
        if a.json {
            if let Some(file) = written_ahead(state, report) {
                return Some((file, true));
            }
        }
        let body = {
            let _long = LongRead::start(state);
            let w = state.world.read().expect("world lock");
            a.write(&w.orgs[ctx.org])
        };
        body.map(|body| (std::sync::Arc::new(body), a.json))
    });
    match found {
        Some((body, json)) => {
            let mut r = Resp::json(StatusCode::OK, vec![]);
            r.spooled = Some(body);
            if !json {
                r.is_json = false;
                r.headers
                    .push(("content-type".into(), "text/csv; charset=utf-8".into()));
            }
            r
        }
        None => di_error(StatusCode::NOT_FOUND, "Report/artifact not found"),
    }
}

/// The JSON artifact of `report` written while it generated, waiting for it while it is being
/// written (a download runs on a thread of its own); None when the download must write it.
fn written_ahead(state: &SimState, report: &str) -> Option<std::sync::Arc<crate::reports::Spooled>> {
    loop {
        // The lock let go before sleeping (the writer takes it to store the file).
        let written = state.reports.lock().expect("reports lock").written_json(report);
        match written? {
            Some(file) => return Some(file),
            None => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// A long read of the world (a report being written): while one lasts, the clock's changes
/// (which write the world) wait for the next request instead of holding every request behind
/// it (`SimState::catch_up`). Ends when dropped, whatever became of the read.
struct LongRead<'a>(&'a SimState);

impl<'a> LongRead<'a> {
    fn start(state: &'a SimState) -> Self {
        state.long_reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(state)
    }
}

impl Drop for LongRead<'_> {
    fn drop(&mut self) {
        self.0.long_reads.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A write-ahead under way: whatever becomes of it (written, failed, the writer panicking),
/// the long read ends and the report says so — a download never waits for ever.
struct WritingAhead<'a> {
    long: LongRead<'a>,
    report: String,
    file: Option<crate::reports::Spooled>,
}

impl<'a> WritingAhead<'a> {
    fn start(state: &'a SimState, report: String) -> Self {
        Self {
            long: LongRead::start(state),
            report,
            file: None,
        }
    }
}

impl Drop for WritingAhead<'_> {
    fn drop(&mut self) {
        if let Ok(mut reports) = self.long.0.reports.lock() {
            reports.written(&self.report, self.file.take());
        }
    }
}

/// Writes the JSON artifacts of the reports just requested, each on a thread of its own (a
/// large org's takes minutes), as JumpCloud generates a report's artifacts before it completes.
pub(crate) fn write_ahead(state: &std::sync::Arc<SimState>) {
    let jobs = state.reports.lock().expect("reports lock").take_jobs();
    for job in jobs {
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            let mut ahead = WritingAhead::start(&state, job.report.clone());
            let w = state.world.read().expect("world lock");
            ahead.file = w.orgs.get(job.org).and_then(|o| job.artifact.write(o));
        });
    }
}
