//! Keyset paging of the long lists, on both databases: counts stop at 1,000 ("1,000+"), walking
//! the pages forward and back visits every row once in order, and a page deep in the list costs
//! the same statements as the first.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    Set, Statement,
};

use app::server::store::entities::{audit_log, client};
use common::{call, client_id, each_database, json, sign_in, TestDb};

/// Audit entries added on top of the demo's, so the count passes the cap.
const ADDED: usize = 1_030;

#[tokio::test]
async fn the_audit_log_pages_by_key_with_a_capped_count() {
    each_database(
        true,
        body!(|t| {
            let jordan = client_id(&t.db, "Jordan").await;
            let org = client::Entity::find_by_id(jordan)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .organization_id;
            // Many entries share one instant: the id breaks the ties.
            let at = Utc::now() - Duration::days(1);
            let rows = (0..ADDED).map(|k| audit_log::ActiveModel {
                id: NotSet,
                organization_id: Set(Some(org)),
                actor: Set("staff:1".into()),
                action: Set(format!("test.entry.{k}")),
                object: Set(format!("client:{jordan}")),
                old_value: Set(None),
                new_value: Set(None),
                at: Set(at + Duration::seconds((k / 7) as i64)),
                ip: Set(None),
                // Outside the chain: these tests only page and count.
                prev_hash: Set(None),
                hash: Set(None),
            });
            for chunk in rows.collect::<Vec<_>>().chunks(200) {
                audit_log::Entity::insert_many(chunk.to_vec())
                    .exec(&t.db)
                    .await
                    .unwrap();
            }

            let count = Arc::new(AtomicUsize::new(0));
            let last_page_query = Arc::new(Mutex::new(None::<Statement>));
            let mut db = t.db.clone();
            let (counter, recorder) = (count.clone(), last_page_query.clone());
            db.set_metric_callback(move |info| {
                counter.fetch_add(1, Ordering::SeqCst);
                if info.statement.sql.contains("ORDER BY")
                    && info.statement.sql.contains("audit_log")
                {
                    *recorder.lock().unwrap() = Some(info.statement.clone());
                }
            });
            let app = TestDb { db, ..t.clone() }.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            // Counted after signing in, which is recorded too.
            let total = audit_log::Entity::find()
                .filter(audit_log::Column::OrganizationId.eq(org))
                .count(&t.db)
                .await
                .unwrap() as usize;
            assert!(total >= ADDED);
            let page = |at: String| {
                let (app, admin, count) = (app.clone(), admin.clone(), count.clone());
                async move {
                    count.store(0, Ordering::SeqCst);
                    let reply = call(&app, "list_audit_log", &at, Some(&admin)).await;
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    (json(&reply.body), count.load(Ordering::SeqCst))
                }
            };
            let key = |row: &serde_json::Value| row["at_utc"].as_str().unwrap().to_owned();

            // Forward from the top: every entry once, newest first.
            let (first, first_cost) = page(String::new()).await;
            assert_eq!(
                first["paging"]["count"],
                serde_json::json!({"rows": 1000, "capped": true})
            );
            assert_eq!(first["paging"]["previous"], serde_json::Value::Null);
            let mut seen = Vec::new();
            let mut pages = vec![first.clone()];
            let mut costs = vec![first_cost];
            let mut current = first;
            loop {
                seen.extend(current["rows"].as_array().unwrap().iter().cloned());
                let Some(after) = current["paging"]["next"]["After"].as_i64() else {
                    break;
                };
                let (next, cost) = page(format!("at[After]={after}")).await;
                assert!(!next["rows"].as_array().unwrap().is_empty());
                costs.push(cost);
                pages.push(next.clone());
                current = next;
            }
            assert_eq!(seen.len(), total, "{}: every entry once", t.kind);
            let added: Vec<String> = seen
                .iter()
                .filter_map(|r| {
                    r["action"]
                        .as_str()
                        .filter(|a| a.starts_with("test.entry."))
                })
                .map(str::to_owned)
                .collect();
            let expected: Vec<String> = (0..ADDED)
                .rev()
                .map(|k| format!("test.entry.{k}"))
                .collect();
            assert_eq!(
                added, expected,
                "{}: newest first, ties by entry order",
                t.kind
            );
            assert!(seen.windows(2).all(|w| key(&w[0]) >= key(&w[1])));
            // A page deep in the list costs what the second page costs (the first has no cursor
            // to look up).
            assert!(costs.len() > 20);
            assert!(
                costs[1..].iter().all(|c| *c == costs[1]),
                "{}: {costs:?}",
                t.kind
            );
            assert!(costs[1] <= costs[0] + 1, "{}: {costs:?}", t.kind);

            // A deep page is a range read of an index in key order: no sort of the whole log.
            if t.kind == "sqlite" {
                let query = last_page_query
                    .lock()
                    .unwrap()
                    .clone()
                    .expect("a page query");
                let plan =
                    t.db.query_all_raw(Statement {
                        sql: format!("EXPLAIN QUERY PLAN {}", query.sql),
                        ..query
                    })
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.try_get::<String>("", "detail").unwrap())
                    .collect::<Vec<_>>()
                    .join("; ");
                assert!(
                    plan.contains("USING INDEX ix_audit_org_at_id")
                        || plan.contains("USING COVERING INDEX ix_audit_org_at_id"),
                    "{plan}"
                );
                assert!(!plan.contains("TEMP B-TREE"), "{plan}");
            }

            // Back from the last page: the same pages, in reverse.
            let mut back = current;
            for expected in pages.iter().rev().skip(1) {
                let before = back["paging"]["previous"]["Before"]
                    .as_i64()
                    .expect("a previous page");
                back = page(format!("at[Before]={before}")).await.0;
                assert_eq!(back["rows"], expected["rows"], "{}", t.kind);
            }
            assert_eq!(back["paging"]["previous"], serde_json::Value::Null);
        }),
    )
    .await;
}
