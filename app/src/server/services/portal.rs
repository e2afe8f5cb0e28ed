//! The portal home of one client: what the signed-in login may do for them and how many of
//! their messages wait unread.

use crate::domain::access::PortalClientHome;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::messages::unread_in;

/// A client's portal home.
pub async fn home(ctx: &Ctx, client_id: i32) -> Result<PortalClientHome, AppError> {
    let permit = ctx.permit(client_id).await?;
    let unread_messages = if permit.abilities.messages {
        let reader = ctx.portal().await?.label().to_string();
        unread_in(ctx.db(), &reader, &[client_id]).await?.total
    } else {
        0
    };
    Ok(PortalClientHome {
        client: permit.acting.client,
        abilities: permit.abilities,
        unread_messages,
    })
}
