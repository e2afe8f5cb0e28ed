//! Staff views of a client's record are audited with who looked and at what (issue 19): the
//! client page, the insurance, the messages (not the page's own live reloads) and a payment;
//! the family's own views are not. On both databases.

use crate::common;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use app::server::store::entities::audit_log;
use common::{
    call, client_id, each_database, enable_payments, owed_bookings, paid, sign_in, staff_id,
};

/// The newest entry of `action`: (actor, object, detail).
async fn newest(db: &DatabaseConnection, action: &str) -> Option<(String, String, Option<String>)> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await
        .unwrap()
        .map(|e| (e.actor, e.object, e.new_value))
}

#[tokio::test]
async fn each_staff_view_of_a_clients_record_is_recorded() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let taylor = format!(
                "staff:{}",
                staff_id(&t.db, "therapist@brightpath.example").await
            );
            let jordan = client_id(&t.db, "Jordan").await;
            let object = format!("client:{jordan}");

            // The family's own views are not staff views.
            let own = call(
                &app,
                "get_insurance",
                &format!("client_id={jordan}"),
                Some(&client),
            )
            .await;
            assert_eq!(own.status, StatusCode::OK, "{}", own.body);
            assert_eq!(newest(&t.db, "insurance.viewed").await, None);

            for (function, args, action) in [
                ("get_client", format!("id={jordan}"), "client.viewed"),
                (
                    "get_insurance",
                    format!("client_id={jordan}"),
                    "insurance.viewed",
                ),
                (
                    "get_conversation",
                    format!("client_id={jordan}"),
                    "messages.viewed",
                ),
            ] {
                let reply = call(&app, function, &args, Some(&therapist)).await;
                assert_eq!(reply.status, StatusCode::OK, "{function}: {}", reply.body);
                assert_eq!(
                    newest(&t.db, action).await,
                    Some((taylor.clone(), object.clone(), None)),
                    "{function}"
                );
            }
            // The conversation page's own reload after a live change is not a view.
            let before = audit_log::Entity::find().all(&t.db).await.unwrap().len();
            let live = call(
                &app,
                "get_conversation",
                &format!("client_id={jordan}&live=true"),
                Some(&therapist),
            )
            .await;
            assert_eq!(live.status, StatusCode::OK, "{}", live.body);
            assert_eq!(
                audit_log::Entity::find().all(&t.db).await.unwrap().len(),
                before
            );

            enable_payments(&t.db, jordan).await;
            let payment = paid(&t.db, jordan, owed_bookings(&t.db, jordan).await[0]).await;
            let reply = call(
                &app,
                "get_payment",
                &format!("payment_id={payment}"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let admin_ref = format!(
                "staff:{}",
                staff_id(&t.db, "admin@brightpath.example").await
            );
            assert_eq!(
                newest(&t.db, "payment.viewed").await,
                Some((
                    admin_ref,
                    object.clone(),
                    Some(format!("payment:{payment}"))
                ))
            );
        }),
    )
    .await;
}
