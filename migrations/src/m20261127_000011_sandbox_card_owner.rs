//! Who asked the sandbox processor for each card token, so that its tokenize endpoint can
//! limit how many cards one signed-in person tries in an hour (card testing).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("sandbox_cards")
                // `staff:ID` or `portal:ID`; empty for tokens made before this migration.
                .add_column(string("created_by").default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sandbox_cards_by_creator")
                .table("sandbox_cards")
                .col("created_by")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("sandbox_cards_by_creator")
                .table("sandbox_cards")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("sandbox_cards")
                .drop_column("created_by")
                .to_owned(),
        )
        .await
    }
}
