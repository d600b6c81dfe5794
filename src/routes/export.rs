//! CSV exports of the lists (`GET …/export.csv`): every row a list's filters match, as a
//! streamed `text/csv` download.
//!
//! The rows are read one keyset page of [`PAGE_ROWS`] at a time, each page on the blocking pool
//! with a connection of its own that goes back to the pool before the next page is read, and
//! each page is written out as one chunk of the body. The server polls the body only as fast as
//! the client takes it, so an export holds about one page in memory however many rows it has.
//!
//! The filters are checked and the first page is read before the answer starts, so a bad filter
//! or an unreachable database is still a problem document. A failure after that can no longer
//! change the status: it is logged with the request id and the body ends without its last chunk,
//! so the client sees a truncated transfer, never a short file that looks complete. Each page is
//! read as it is then: a row written, deleted or added while an export runs may or may not be in
//! it, but no row appears twice.
//!
//! The request log line is written when the answer starts; its duration is the time to the
//! first page, not to the last byte.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::stream::{self, Stream};
use tracing::Instrument;

use crate::db::models::{PageRequest, Position};
use crate::db::DbConnection;
use crate::domain::csv::{self, Cell};
use crate::error::ApiError;
use crate::state::AppState;

/// Rows read from the database at a time, and written as one chunk.
pub const PAGE_ROWS: i64 = 500;

/// Reads the page a [`PageRequest`] asks for, with a list's filters applied, and says where the
/// next page starts.
pub trait ReadPage<T>:
    Fn(&mut DbConnection, PageRequest) -> diesel::QueryResult<(Vec<T>, Option<Position>)> + Send + Sync + 'static
{
}

impl<T, F> ReadPage<T> for F where
    F: Fn(&mut DbConnection, PageRequest) -> diesel::QueryResult<(Vec<T>, Option<Position>)> + Send + Sync + 'static
{
}

/// What one list's export needs: the file name, the columns, how to read a page, and how to
/// write a row.
pub struct Export<R: ReadPage<T>, T: 'static> {
    pub filename: &'static str,
    pub columns: &'static [&'static str],
    pub read: R,
    pub row: fn(&T) -> Vec<Cell<'_>>,
}

/// A page of rows and where the next one starts, for lists whose pages carry no rank.
pub fn unranked<T>(
    page: diesel::QueryResult<(Vec<T>, Option<i64>)>,
) -> diesel::QueryResult<(Vec<T>, Option<Position>)> {
    page.map(|(rows, next)| (rows, next.map(|id| (id, None))))
}

/// The body stopped part-way; the cause is logged under the request id.
#[derive(Debug, thiserror::Error)]
#[error("the CSV export stopped part-way; the cause is logged with the request id")]
pub struct Truncated;

/// Answers the export: `200 text/csv`, the header row and every row, streamed.
pub async fn stream_csv<R, T>(
    state: web::Data<AppState>,
    req: &HttpRequest,
    export: Export<R, T>,
) -> Result<HttpResponse, ApiError>
where
    R: ReadPage<T>,
    T: 'static,
{
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", export.filename)));
    if crate::telemetry::is_head(req) {
        // The same headers, without reading every row for a body nobody will receive.
        return Ok(response.streaming(stream::empty::<Result<Bytes, Truncated>>()));
    }
    let pages = Arc::new(Pages { read: export.read, row: export.row, width: export.columns.len() });
    let (first, next) = pages.clone().chunk(&state, None).await?;
    let mut head = csv::header(export.columns);
    head.push_str(&first);
    Ok(response.streaming(rest(state, pages, Bytes::from(head), next)))
}

struct Pages<R: ReadPage<T>, T: 'static> {
    read: R,
    row: fn(&T) -> Vec<Cell<'_>>,
    width: usize,
}

impl<R, T> Pages<R, T>
where
    R: ReadPage<T>,
    T: 'static,
{
    /// The CSV text of the page after `after` (the first page for `None`), and where the next
    /// page starts. Read and written on the blocking pool.
    async fn chunk(
        self: Arc<Self>,
        state: &AppState,
        after: Option<Position>,
    ) -> Result<(String, Option<Position>), ApiError> {
        let page = PageRequest { limit: PAGE_ROWS, before: after.map(|p| p.0), rank: after.and_then(|p| p.1) };
        state
            .db(move |conn| {
                let (rows, next) = (self.read)(conn, page)?;
                let mut out = String::with_capacity(rows.len() * 256);
                for row in &rows {
                    let cells = (self.row)(row);
                    debug_assert_eq!(cells.len(), self.width, "a row has as many cells as the header has columns");
                    csv::write_record(&mut out, cells);
                }
                Ok::<_, ApiError>((out, next))
            })
            .await
    }
}

/// The body: `first` (the header and the first page), then one chunk per page read when the
/// server asks for more, inside the request's span.
fn rest<R, T>(
    state: web::Data<AppState>,
    pages: Arc<Pages<R, T>>,
    first: Bytes,
    next: Option<Position>,
) -> impl Stream<Item = Result<Bytes, Truncated>>
where
    R: ReadPage<T>,
    T: 'static,
{
    let span = tracing::Span::current();
    let start = (Some(first), next);
    stream::unfold(start, move |(ready, next)| {
        let (state, pages, span) = (state.clone(), pages.clone(), span.clone());
        async move {
            if let Some(chunk) = ready {
                return Some((Ok(chunk), (None, next)));
            }
            let after = next?;
            match pages.chunk(&state, Some(after)).instrument(span.clone()).await {
                Ok((text, next)) => Some((Ok(Bytes::from(text)), (None, next))),
                Err(error) => {
                    span.in_scope(|| tracing::error!(%error, "CSV export stopped part-way: the body is truncated"));
                    Some((Err(Truncated), (None, None)))
                }
            }
        }
    })
}
