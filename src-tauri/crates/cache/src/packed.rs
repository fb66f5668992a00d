//! JSON kept compressed. Whole records (`records.json`), their past versions
//! (`history_records.json`) and Directory Insights events (`events.json`) are stored as zstd
//! BLOBs. Records are short (1–3 kB) and alike, so each kind is compressed with a dictionary
//! trained on the file's own first records of that kind (`pack_dicts`; a frame names its
//! dictionary, so a dictionary is never changed or removed once used). Rows written by earlier
//! versions hold TEXT and are read as they are: no file needs rewriting.

use parking_lot::RwLock;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, OnceLock};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// zstd's default level: fast to write (a 50,000-device sync packs ~150 MB of JSON) and close
/// to the best ratio for short JSON.
const LEVEL: i32 = 3;
/// The most a dictionary may hold.
const DICT_BYTES: usize = 64 * 1024;
/// Records needed to train a dictionary (fewer: compressed without one).
pub const MIN_SAMPLES: usize = 200;

/// Migration: the dictionaries.
pub(crate) const DDL: &str = "
CREATE TABLE pack_dicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    dict BLOB NOT NULL,
    created_at TEXT NOT NULL
);
";

/// JSON to store: packed on the way in (without a dictionary), unpacked on the way out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packed(pub String);

/// The dictionaries of every open file, by the ID each frame names. Kept for the life of the
/// process (a file's few dictionaries are loaded once); the encoders are leaked to be
/// `'static` so that each thread's compressor can keep one.
struct Dicts {
    decode: HashMap<u32, Arc<DecoderDictionary<'static>>>,
    encode: HashMap<u32, &'static EncoderDictionary<'static>>,
}

fn dicts() -> &'static RwLock<Dicts> {
    static D: OnceLock<RwLock<Dicts>> = OnceLock::new();
    D.get_or_init(|| {
        RwLock::new(Dicts {
            decode: HashMap::new(),
            encode: HashMap::new(),
        })
    })
}

fn register(id: u32, dict: &[u8]) {
    let mut d = dicts().write();
    d.decode
        .entry(id)
        .or_insert_with(|| Arc::new(DecoderDictionary::copy(dict)));
    d.encode
        .entry(id)
        .or_insert_with(|| Box::leak(Box::new(EncoderDictionary::copy(dict, LEVEL))));
}

/// Makes the file's dictionaries known (on opening it).
pub(crate) fn load(conn: &Connection) -> rusqlite::Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'pack_dicts')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(());
    }
    let mut s = conn.prepare("SELECT id, dict FROM pack_dicts")?;
    for row in s.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
        let (id, dict) = row?;
        register(id as u32, &dict);
    }
    Ok(())
}

/// The dictionary of `kind` in this file: the one there is, or one trained on `samples` (when
/// there are enough), kept in the file. None: compress without.
pub(crate) fn dict_for(conn: &Connection, kind: &str, samples: &[&str], now: &str) -> rusqlite::Result<Option<u32>> {
    let known: Option<i64> = conn
        .query_row(
            "SELECT id FROM pack_dicts WHERE kind = ?1 ORDER BY rowid DESC LIMIT 1",
            [kind],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = known {
        return Ok(Some(id as u32));
    }
    if samples.len() < MIN_SAMPLES {
        return Ok(None);
    }
    let Ok(dict) = zstd::dict::from_samples(samples, DICT_BYTES) else {
        return Ok(None);
    };
    let Some(id) = zstd::zstd_safe::get_dict_id(&dict) else {
        return Ok(None);
    };
    let id = id.get();
    conn.execute(
        "INSERT OR IGNORE INTO pack_dicts (id, kind, dict, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id as i64, kind, dict, now],
    )?;
    register(id, &dict);
    tracing::info!(
        kind,
        id,
        bytes = dict.len(),
        samples = samples.len(),
        "trained a compression dictionary"
    );
    Ok(Some(id))
}

thread_local! {
    /// This thread's compression context, kept from one value to the next with the dictionary
    /// it was given (making a context was most of the cost of packing a small record).
    static COMPRESSOR: std::cell::RefCell<Option<(Option<u32>, zstd::bulk::Compressor<'static>)>> =
        const { std::cell::RefCell::new(None) };
}

/// `json` compressed (with the dictionary `dict`, when given and known).
pub fn pack_with(dict: Option<u32>, json: &str) -> Vec<u8> {
    let prepared = dict.and_then(|id| dicts().read().encode.get(&id).copied().map(|p| (id, p)));
    let key = prepared.map(|(id, _)| id);
    COMPRESSOR
        .with(|cell| {
            let mut slot = cell.borrow_mut();
            if !matches!(&*slot, Some((k, _)) if *k == key) {
                let made = match prepared {
                    Some((_, p)) => zstd::bulk::Compressor::with_prepared_dictionary(p),
                    None => zstd::bulk::Compressor::new(LEVEL),
                };
                *slot = made.ok().map(|c| (key, c));
            }
            slot.as_mut().and_then(|(_, c)| c.compress(json.as_bytes()).ok())
        })
        .unwrap_or_else(|| json.as_bytes().to_vec())
}

/// `json` compressed without a dictionary.
pub fn pack(json: &str) -> Vec<u8> {
    pack_with(None, json)
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> FromSqlError {
    FromSqlError::Other(Box::new(e))
}

/// A stored value back to its JSON: TEXT as written by earlier versions, a BLOB unpacked (an
/// empty BLOB is an empty string).
pub fn unpack(v: ValueRef<'_>) -> FromSqlResult<String> {
    match v {
        ValueRef::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob([]) | ValueRef::Null => Ok(String::new()),
        ValueRef::Blob(b) => {
            let mut out = Vec::new();
            match zstd::zstd_safe::get_dict_id_from_frame(b) {
                Some(id) => {
                    let dict = dicts().read().decode.get(&id.get()).cloned().ok_or_else(|| {
                        FromSqlError::Other(format!("compression dictionary {id} is not in this file").into())
                    })?;
                    zstd::stream::read::Decoder::with_prepared_dictionary(b, &dict)
                        .and_then(|mut d| d.read_to_end(&mut out))
                        .map_err(other)?;
                }
                None => {
                    out = zstd::stream::decode_all(b).map_err(other)?;
                }
            }
            String::from_utf8(out).map_err(other)
        }
        _ => Err(FromSqlError::InvalidType),
    }
}

impl FromSql for Packed {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        unpack(v).map(Packed)
    }
}

impl ToSql for Packed {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(pack(&self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(i: usize) -> String {
        let department = ["Sales", "IT", "Legal"][i % 3];
        json!({"_id": format!("5f{i:022x}"), "username": format!("user{i}"), "email": format!("user{i}@northwind.example"),
               "department": department, "mfa": {"configured": i.is_multiple_of(2), "exclusion": false},
               "addresses": [], "state": "ACTIVATED", "activated": true, "suspended": false, "tags": []})
        .to_string()
    }

    #[test]
    fn records_pack_small_with_a_trained_dictionary_and_old_text_still_reads() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(DDL).unwrap();
        conn.execute_batch("CREATE TABLE t (json TEXT NOT NULL)").unwrap();
        let samples: Vec<String> = (0..400).map(record).collect();
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        assert_eq!(
            dict_for(&conn, "user", &refs[..10], "now").unwrap(),
            None,
            "too few to train"
        );
        let id = dict_for(&conn, "user", &refs, "now").unwrap().expect("trained");
        assert_eq!(
            dict_for(&conn, "user", &[], "now").unwrap(),
            Some(id),
            "kept and reused"
        );
        let text = record(999);
        let plain = pack(&text);
        let small = pack_with(Some(id), &text);
        assert!(
            small.len() * 2 < plain.len(),
            "dictionary {} bytes vs plain {} bytes",
            small.len(),
            plain.len()
        );
        conn.execute("INSERT INTO t VALUES (?1)", [&text]).unwrap();
        conn.execute("INSERT INTO t VALUES (?1)", [&plain]).unwrap();
        conn.execute("INSERT INTO t VALUES (?1)", [&small]).unwrap();
        conn.execute("INSERT INTO t VALUES (x'')", []).unwrap();
        let back: Vec<Packed> = conn
            .prepare("SELECT json FROM t")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|x| x.unwrap())
            .collect();
        assert_eq!(
            back,
            vec![
                Packed(text.clone()),
                Packed(text.clone()),
                Packed(text),
                Packed(String::new())
            ]
        );
    }
}
