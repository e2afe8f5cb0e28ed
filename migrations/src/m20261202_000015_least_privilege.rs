//! Least privilege (hardening): who granted a contact's portal access when it was a therapist
//! (it ends when they are unassigned), which client a payer under review was added for (only
//! that client sees it until staff approve it), and which login submitted a form.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, new nullable column, is it text).
const COLUMNS: [(&str, &str, bool); 3] = [
    ("client_contact_links", "access_granted_by", false),
    ("payers", "added_for_client_id", false),
    ("sent_forms", "submitted_by", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for (table, column, text) in COLUMNS {
            let col = if text {
                string_null(column)
            } else {
                integer_null(column)
            };
            m.alter_table(Table::alter().table(table).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, _) in COLUMNS {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
