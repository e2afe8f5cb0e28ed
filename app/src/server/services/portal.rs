//! The portal side: what the signed-in login may do for one of its clients, checked at every
//! request. Later features call [`acting_for`] before touching a client's data.

use crate::domain::access::PortalAbilities;
use crate::domain::portal::PortalClientHome;
use crate::domain::settings::{effective, EffectiveSettings};
use crate::error::AppError;
use crate::server::actor::ActingFor;
use crate::server::context::Ctx;
use crate::server::services::settings;

/// The client `client_id` as the signed-in portal login may act for them, with what the
/// login may do; 403 (audited) when it may not act for them, or no longer may.
pub async fn acting_for(
    ctx: &Ctx,
    client_id: i32,
) -> Result<(ActingFor, PortalAbilities), AppError> {
    let (acting, abilities, _) = acting_with_settings(ctx, client_id).await?;
    Ok((acting, abilities))
}

/// [`acting_for`], plus the client's effective settings (for rules that are not abilities,
/// such as Hide Location Address on Intake Forms).
pub async fn acting_with_settings(
    ctx: &Ctx,
    client_id: i32,
) -> Result<(ActingFor, PortalAbilities, EffectiveSettings), AppError> {
    let portal = ctx.portal().await?;
    let Some(acting) = portal.acting_for(client_id).cloned() else {
        return Err(ctx
            .deny(&format!("client:{client_id}"), AppError::Forbidden)
            .await);
    };
    let db = ctx.db();
    let org = settings::load(db, portal.organization_id).await?;
    let off = settings::overrides_of(db, &[client_id])
        .await?
        .remove(&client_id)
        .unwrap_or_default();
    let effective = effective(&org.org, &off, org.card_processing());
    let abilities = PortalAbilities::new(&effective, acting.scopes);
    Ok((acting, abilities, effective))
}

/// A client's portal home.
pub async fn home(ctx: &Ctx, client_id: i32) -> Result<PortalClientHome, AppError> {
    let (acting, abilities) = acting_for(ctx, client_id).await?;
    let unread_messages = if abilities.messages {
        let reader = format!("portal:{}", ctx.portal().await?.account_id);
        super::messages::unread_in(ctx.db(), &reader, &[client_id])
            .await?
            .total
    } else {
        0
    };
    Ok(PortalClientHome {
        client: acting.client,
        abilities,
        unread_messages,
    })
}
