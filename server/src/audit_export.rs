//! `GET /admin/organization/audit-log.csv`: the administrators' audit log, narrowed by the same
//! filter as the page, as a CSV file streamed in chunks (oldest first), for an audit.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use app::domain::audit::AuditFilter;
use app::server::access::context::Ctx;
use app::server::services::audit_log;

use crate::calendar_files::refused;
use crate::router::ServerState;

/// Streams the export; a refusal (signed out, not an administrator, a wrong filter) is answered
/// before the first byte, with its status.
pub async fn audit_csv(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let ctx = match Ctx::from_parts(state.app.clone(), Some(&parts)).await {
        Ok(ctx) => ctx,
        Err(e) => return refused(e),
    };
    let filter = AuditFilter::from_query(|k| query.get(k).cloned());
    let export = match audit_log::export(&ctx, filter).await {
        Ok(export) => export,
        Err(e) => return refused(e),
    };
    // Fused: the compression layer may poll once more after the end.
    let chunks = futures::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(text)) => Some((Ok(Bytes::from(text)), Some(export))),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "audit export stopped");
                Some((Err(std::io::Error::other("the export stopped")), None))
            }
        }
    })
    .fuse();
    let day = chrono::Utc::now().format("%Y-%m-%d");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-log-{day}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
