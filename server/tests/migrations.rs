//! The schema migrates down and up again on both databases.

use crate::common;

use migrations::{Migrator, MigratorTrait};
use sea_orm::EntityTrait;

use app::server::store::entities::client;
use common::each_database;

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    each_database(
        false,
        body!(|t| {
            assert_eq!(
                Migrator::get_pending_migrations(&t.db).await.unwrap().len(),
                0
            );
            Migrator::down(&t.db, None).await.unwrap();
            assert!(
                client::Entity::find().all(&t.db).await.is_err(),
                "tables are gone after down"
            );
            assert_eq!(
                Migrator::get_pending_migrations(&t.db).await.unwrap().len(),
                Migrator::migrations().len()
            );
            Migrator::up(&t.db, None).await.unwrap();
            assert!(client::Entity::find().all(&t.db).await.unwrap().is_empty());
        }),
    )
    .await;
}
