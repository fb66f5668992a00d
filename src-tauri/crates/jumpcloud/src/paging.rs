//! Listing every page of a collection.
//!
//! The first page (`limit=100&skip=0&sort=_id`) gives the total (v1 `totalCount`, v2
//! `x-total-count`); the other pages are then fetched concurrently — as many as the limiter
//! lets through — and yielded in order. Paging is driven by the total, never by a short page:
//! JumpCloud returns short pages mid-list when graph members point at deleted records
//! (docs/jumpcloud-api.md §9). If a later page reports a different total, the records changed while
//! being read: the stream ends with `ListingChanged`, and `collect_all` reads the whole list
//! again (up to three times) rather than return a short or duplicated list.

use crate::client::{Answer, Api, Call, Client};
use crate::error::{Error, Result};
use crate::models::ListEnvelope;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// JumpCloud's page size limit.
pub const PAGE_SIZE: usize = 100;

/// How a listing reports its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// `{totalCount, results}` (v1, and a few v2 routes such as `/roles`).
    Counted,
    /// A bare array with the `x-total-count` header (v2).
    Array,
}

/// A listing to page through.
#[derive(Debug, Clone)]
pub struct List {
    pub call: Call,
    pub envelope: Envelope,
    pub page_size: usize,
    /// Plural noun for messages ("users").
    pub what: &'static str,
    /// Add `sort=_id` (most listings; graph listings have no `_id` to sort by).
    pub sort_by_id: bool,
}

impl List {
    pub fn v1(path: impl Into<String>, what: &'static str) -> Self {
        Self {
            call: Call::get(Api::V1, path, format!("list {what}")),
            envelope: Envelope::Counted,
            page_size: PAGE_SIZE,
            what,
            sort_by_id: true,
        }
    }

    pub fn v2(path: impl Into<String>, what: &'static str) -> Self {
        Self {
            call: Call::get(Api::V2, path, format!("list {what}")),
            envelope: Envelope::Array,
            page_size: PAGE_SIZE,
            what,
            sort_by_id: true,
        }
    }

    /// A v2 graph listing (members, memberof, associations): no sort parameter.
    pub fn graph(path: impl Into<String>, what: &'static str) -> Self {
        Self {
            sort_by_id: false,
            ..Self::v2(path, what)
        }
    }

    pub fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.call = self.call.query(k, v);
        self
    }

    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }

    pub fn counted(mut self) -> Self {
        self.envelope = Envelope::Counted;
        self
    }

    fn page_call(&self, skip: usize) -> Call {
        let mut c = self.call.clone().query("limit", self.page_size).query("skip", skip);
        if self.sort_by_id {
            c = c.query("sort", "_id");
        }
        c
    }
}

/// One page: the total the server reported and the items.
struct Page<T> {
    total: u64,
    items: Vec<T>,
}

impl Client {
    async fn page<T: DeserializeOwned + Send + 'static>(&self, list: &List, skip: usize) -> Result<Page<T>> {
        let call = list.page_call(skip);
        match list.envelope {
            Envelope::Counted => {
                let (env, _): (ListEnvelope<T>, Answer) = self.json(&call).await?;
                Ok(Page {
                    total: env.total_count.unwrap_or(env.results.len() as u64 + skip as u64),
                    items: env.results,
                })
            }
            Envelope::Array => {
                let (items, answer): (Vec<T>, Answer) = self.json(&call).await?;
                let total = answer.total_count().unwrap_or(items.len() as u64 + skip as u64);
                Ok(Page { total, items })
            }
        }
    }

    /// Every item of `list`, in order, fetching pages concurrently.
    pub fn stream<T: DeserializeOwned + Send + 'static>(&self, list: List) -> BoxStream<'static, Result<T>> {
        let client = self.clone();
        let first = {
            let client = client.clone();
            let list = list.clone();
            async move { client.page::<T>(&list, 0).await }
        };
        stream::once(first)
            .flat_map(move |first| -> BoxStream<'static, Result<T>> {
                let first = match first {
                    Ok(p) => p,
                    Err(e) => return stream::iter([Err(e)]).boxed(),
                };
                let total = first.total;
                let size = list.page_size as u64;
                let pages = total.div_ceil(size).max(1);
                let head = stream::iter(first.items.into_iter().map(Ok));
                let client = client.clone();
                let list = list.clone();
                let width = client.config().max_in_flight.max(1);
                let what = list.what;
                let rest = stream::iter(1..pages)
                    .map(move |i| {
                        let client = client.clone();
                        let list = list.clone();
                        async move { client.page::<T>(&list, (i * size) as usize).await }
                    })
                    .buffered(width)
                    .flat_map(move |page| -> BoxStream<'static, Result<T>> {
                        match page {
                            Ok(p) if p.total == total => stream::iter(p.items.into_iter().map(Ok)).boxed(),
                            Ok(p) => stream::iter([Err(Error::ListingChanged {
                                what: what.into(),
                                before: total,
                                after: p.total,
                            })])
                            .boxed(),
                            Err(e) => stream::iter([Err(e)]).boxed(),
                        }
                    });
                head.chain(rest).boxed()
            })
            .scan(false, |failed, item| {
                // Stop after the first error: what follows it cannot be trusted.
                if *failed {
                    return futures_util::future::ready(None);
                }
                *failed = item.is_err();
                futures_util::future::ready(Some(item))
            })
            .boxed()
    }

    /// Every item of `list` as a `Vec`. If the list changes while it is read, reads it again
    /// (three attempts in all) before giving up with `ListingChanged`.
    pub async fn collect_all<T: DeserializeOwned + Send + 'static>(&self, list: List) -> Result<Vec<T>> {
        let mut last = None;
        for _ in 0..3 {
            let items: Vec<Result<T>> = self.stream(list.clone()).collect().await;
            match items.into_iter().collect::<Result<Vec<T>>>() {
                Ok(v) => return Ok(v),
                Err(e @ Error::ListingChanged { .. }) => {
                    tracing::info!(what = list.what, error = %e, "listing changed while read; reading it again");
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.expect("three attempts ended in ListingChanged"))
    }

    /// Directory Insights events for `query` (a JSON body with `service`, `start_time`, …),
    /// following the `X-Search_after` cursor until a page comes back short.
    pub fn events_stream(&self, query: Value) -> BoxStream<'static, Result<crate::models::Event>> {
        struct Cursor {
            client: Client,
            query: Value,
            done: bool,
        }
        let init = Cursor {
            client: self.clone(),
            query,
            done: false,
        };
        stream::unfold(init, |mut cur| async move {
            if cur.done {
                return None;
            }
            let call = Call::new(
                reqwest::Method::POST,
                Api::Insights,
                "/events",
                "read Directory Insights events",
            )
            .body(cur.query.clone())
            .repeat(crate::client::Repeat::Safe);
            match cur.client.json::<Vec<Value>>(&call).await {
                Err(e) => {
                    cur.done = true;
                    Some((vec![Err(e)], cur))
                }
                Ok((raw, answer)) => {
                    let count: usize = answer
                        .header("x-result-count")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(raw.len());
                    let limit: usize = answer
                        .header("x-limit")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(usize::MAX);
                    let after = answer
                        .header("x-search_after")
                        .and_then(|v| serde_json::from_str::<Value>(v).ok());
                    match after {
                        Some(a) if count >= limit && count > 0 => cur.query["search_after"] = a,
                        _ => cur.done = true,
                    }
                    let items = raw
                        .into_iter()
                        .map(|v| {
                            crate::client::decode::<crate::models::Event>(v.to_string().as_bytes())
                                .map(|mut e| {
                                    e.raw = v;
                                    e
                                })
                                .map_err(|detail| Error::Decode {
                                    endpoint: "POST /insights/events".into(),
                                    detail,
                                })
                        })
                        .collect();
                    Some((items, cur))
                }
            }
        })
        .flat_map(stream::iter)
        .boxed()
    }
}
