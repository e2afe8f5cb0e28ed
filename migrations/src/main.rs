//! The migrations CLI: `up`, `down`, `status` (and the rest of sea-orm's commands) against `DATABASE_URL`.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migrations::Migrator).await;
}
