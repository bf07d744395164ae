//! The portal's JSON API (`Authorization: Bearer <token>`), as the public DuploCloud
//! clients use it.

use serde_json::{json, Value};

use crate::config::{AdminJitApi, K8sJitApi};
use crate::http::{Request, Response};
use crate::jit::{self, Grant};
use crate::k8s::{self, K8sGrant};
use crate::partition::is_region;
use crate::state::State;

/// The body of every 401 (ASP.NET's usual message).
pub const UNAUTHORIZED_MESSAGE: &str = "Authorization has been denied for this request.";

/// Role name of admin JIT credentials.
pub const ADMIN_ROLE: &str = "duplo-admin";
/// Role name of duplo-ops JIT credentials.
pub const DUPLO_OPS_ROLE: &str = "duplo-ops";

fn message(status: u16, text: &str) -> Response {
    Response::json(status, &json!({ "Message": text }))
}

fn not_found() -> Response {
    message(
        404,
        "No HTTP resource was found that matches the request URI.",
    )
}

fn unauthorized() -> Response {
    message(401, UNAUTHORIZED_MESSAGE)
}

/// The API routes the simulator knows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    UserRoleInfo,
    SystemFeatures,
    TenantsForUser,
    TenantConsoleToken(String),
    AdminV3(Option<String>),
    AdminLegacy,
    DuploOps,
    TenantFeatures(String),
    TenantNames,
    K8sTenantV3(String),
    K8sTenantLegacy(String),
    K8sPlan(String),
}

fn route(req: &Request) -> Option<Route> {
    let segs = req.segments();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    Some(match s.as_slice() {
        ["admin", "GetUserRoleInfo"] => Route::UserRoleInfo,
        ["v3", "features", "system"] => Route::SystemFeatures,
        ["admin", "GetTenantsForUser"] => Route::TenantsForUser,
        ["subscriptions", id, "GetAwsConsoleTokenUrl"] => Route::TenantConsoleToken((*id).into()),
        ["v3", "admin", "aws", "jitAccess", "admin"] => Route::AdminV3(None),
        ["v3", "admin", "aws", "jitAccess", "admin", region] => {
            Route::AdminV3(Some((*region).into()))
        }
        ["adminproxy", "GetJITAwsConsoleAccessUrl"] => Route::AdminLegacy,
        ["v3", "admin", "aws", "jitAccess", "duplo-ops"] => Route::DuploOps,
        ["v3", "features", "tenant", id] => Route::TenantFeatures((*id).into()),
        ["adminproxy", "GetTenantNames"] => Route::TenantNames,
        ["v3", "subscriptions", id, "k8s", "jitAccess"] => Route::K8sTenantV3((*id).into()),
        ["subscriptions", id, "GetK8ClusterConfigByTenant"] => Route::K8sTenantLegacy((*id).into()),
        ["v3", "admin", "plans", plan, "k8sConfig"] => Route::K8sPlan((*plan).into()),
        _ => return None,
    })
}

/// Answers an API request on portal `pidx`.
pub fn handle(state: &mut State, pidx: usize, req: &Request, now: u64) -> Response {
    let Some(portal) = state.portals.get(pidx) else {
        return not_found();
    };
    let Some(route) = route(req) else {
        return not_found();
    };
    // Routes the portal version does not have answer 404 whatever the token.
    let exists = match route {
        Route::AdminV3(_) => portal.config.admin_jit_api == AdminJitApi::V3,
        Route::DuploOps => portal.config.duplo_ops,
        Route::K8sTenantV3(_) => portal.config.k8s_jit_api == K8sJitApi::V3,
        _ => true,
    };
    if !exists {
        return not_found();
    }
    if req.method != "GET" {
        return message(
            405,
            "The requested resource does not support this HTTP method.",
        );
    }
    let Some(user_index) = req
        .bearer_token()
        .and_then(|t| state.authenticate(pidx, &t, now))
    else {
        return unauthorized();
    };
    match route {
        Route::UserRoleInfo => user_role_info(state, pidx, user_index),
        Route::SystemFeatures => system_features(state, pidx),
        Route::TenantsForUser => tenants_for_user(state, pidx, user_index),
        Route::TenantConsoleToken(id) => tenant_console_token(state, pidx, user_index, &id, now),
        Route::AdminV3(region) => admin_jit(state, pidx, user_index, req, region, ADMIN_ROLE, now),
        Route::AdminLegacy => admin_jit(state, pidx, user_index, req, None, ADMIN_ROLE, now),
        Route::DuploOps => admin_jit(state, pidx, user_index, req, None, DUPLO_OPS_ROLE, now),
        Route::TenantFeatures(id) => tenant_features(state, pidx, user_index, &id),
        Route::TenantNames => tenant_names(state, pidx, user_index),
        Route::K8sTenantV3(id) | Route::K8sTenantLegacy(id) => {
            k8s_tenant(state, pidx, user_index, &id, now)
        }
        Route::K8sPlan(plan) => k8s_plan(state, pidx, user_index, req, &plan, now),
    }
}

fn user_role_info(state: &State, pidx: usize, user_index: usize) -> Response {
    let Some(user) = state.portals[pidx].user(user_index) else {
        return unauthorized();
    };
    let roles = if user.admin { "Administrator" } else { "User" };
    Response::json(
        200,
        &json!({
            "Username": user.username,
            "Roles": [roles],
            "IsReadOnly": false,
            "IsSecurityAdmin": false,
            "CurrentSessionMinutes": state.config.portal_token_ttl_secs / 60,
        }),
    )
}

fn system_features(state: &State, pidx: usize) -> Response {
    let p = &state.portals[pidx].config;
    Response::json(
        200,
        &json!({
            "IsOtpNeeded": p.otp,
            "IsAwsAdminJITEnabled": p.admin_jit,
            "IsDuploOpsEnabled": p.duplo_ops,
            "DefaultAwsAccount": p.account_id,
            "DefaultAwsRegion": p.default_region,
            "DefaultAwsPartition": p.partition.as_str(),
            "AwsRegions": p.partition.regions(),
            "IsKatkitEnabled": false,
            "TenantNameMaxLength": 30,
            "AppConfigs": [],
            "EksVersions": {"DefaultVersion": "1.30", "SupportedVersions": ["1.29", "1.30"]},
        }),
    )
}

fn tenant_json(t: &crate::state::Tenant) -> Value {
    json!({
        "TenantId": t.id,
        "AccountName": t.name,
        "PlanID": k8s::PLAN_ID,
        "InfraOwner": "default",
        "TenantPolicy": null,
        "Metadata": [],
    })
}

/// `/adminproxy/GetTenantNames`, how `duploctl` lists tenants (and finds one by name):
/// every tenant for an administrator, the user's own tenants for anyone else.
fn tenant_names(state: &State, pidx: usize, user_index: usize) -> Response {
    tenant_list(state, pidx, user_index, true)
}

fn tenants_for_user(state: &State, pidx: usize, user_index: usize) -> Response {
    tenant_list(state, pidx, user_index, false)
}

/// The tenants the user may use (every tenant for an administrator when `all_for_admin`).
fn tenant_list(state: &State, pidx: usize, user_index: usize, all_for_admin: bool) -> Response {
    let portal = &state.portals[pidx];
    let Some(user) = portal.user(user_index) else {
        return unauthorized();
    };
    let list: Vec<Value> = portal
        .tenants
        .iter()
        .filter(|t| (all_for_admin && user.admin) || user.may_use(&t.id, &t.name))
        .map(tenant_json)
        .collect();
    Response::json(200, &list)
}

/// The tenant `id` on portal `pidx`, checked for this user: 404 unknown, 403 not allowed.
fn permitted_tenant(
    state: &State,
    pidx: usize,
    user_index: usize,
    id: &str,
) -> Result<crate::state::Tenant, Response> {
    let portal = &state.portals[pidx];
    let tenant = portal
        .tenant_by_id(id)
        .ok_or_else(|| message(404, "Tenant not found."))?;
    let user = portal.user(user_index).ok_or_else(unauthorized)?;
    if !user.may_use(&tenant.id, &tenant.name) {
        return Err(message(403, "User does not have access to this tenant."));
    }
    Ok(tenant.clone())
}

/// Checks the `otpcode` header of an admin call when the portal needs one.
fn check_otp(p: &crate::config::PortalConfig, req: &Request) -> Result<(), Response> {
    if p.otp {
        match req.header("otpcode").map(str::trim) {
            None | Some("") => return Err(message(403, "OTP code is required.")),
            Some(code) if code != p.otp_code => {
                return Err(message(403, "OTP code is invalid."));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn tenant_console_token(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    id: &str,
    now: u64,
) -> Response {
    let tenant = match permitted_tenant(state, pidx, user_index, id) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let grant = Grant {
        role: tenant.role_name(),
        tenant: Some(tenant.name.clone()),
        region: tenant.region.clone(),
        validity: tenant.validity,
    };
    match jit::issue(state, pidx, user_index, grant, now) {
        Some(v) => Response::json(200, &v),
        None => unauthorized(),
    }
}

/// 401 for a user that is gone, 403 for one who is not an administrator.
fn require_admin(state: &State, pidx: usize, user_index: usize) -> Result<(), Response> {
    let user = state.portals[pidx]
        .user(user_index)
        .ok_or_else(unauthorized)?;
    if user.admin {
        Ok(())
    } else {
        Err(message(403, "Administrator role is required."))
    }
}

fn admin_jit(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    req: &Request,
    region: Option<String>,
    role: &str,
    now: u64,
) -> Response {
    if let Err(r) = require_admin(state, pidx, user_index) {
        return r;
    }
    let p = &state.portals[pidx].config;
    if role == ADMIN_ROLE && !p.admin_jit {
        return message(403, "AWS admin JIT access is not enabled on this portal.");
    }
    if let Err(r) = check_otp(p, req) {
        return r;
    }
    let region = match region {
        Some(r) if is_region(&r) => r,
        Some(_) => return message(400, "Invalid region."),
        None => p.default_region.clone(),
    };
    let grant = Grant {
        role: role.to_string(),
        tenant: None,
        region,
        validity: p.admin_validity,
    };
    match jit::issue(state, pidx, user_index, grant, now) {
        Some(v) => Response::json(200, &v),
        None => unauthorized(),
    }
}

fn tenant_features(state: &State, pidx: usize, user_index: usize, id: &str) -> Response {
    let tenant = match permitted_tenant(state, pidx, user_index, id) {
        Ok(t) => t,
        Err(r) => return r,
    };
    Response::json(
        200,
        &json!({
            "Region": tenant.region,
            "IsKubernetesEnabled": tenant.kubernetes,
            "IsEcsEnabled": false,
            "IsAwsTenant": true,
            "TenantName": tenant.name,
        }),
    )
}

fn k8s_answer(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    grant: K8sGrant,
    now: u64,
) -> Response {
    match k8s::issue(state, pidx, user_index, grant, now) {
        Some(v) => Response::json(200, &v),
        None => message(500, "The cluster configuration is not available."),
    }
}

/// A tenant's k8s JIT (both paths): 404 unknown, 403 not allowed, 404 without Kubernetes.
fn k8s_tenant(state: &mut State, pidx: usize, user_index: usize, id: &str, now: u64) -> Response {
    let tenant = match permitted_tenant(state, pidx, user_index, id) {
        Ok(t) => t,
        Err(r) => return r,
    };
    if !tenant.kubernetes {
        return message(404, k8s::DISABLED_MESSAGE);
    }
    let grant = K8sGrant {
        region: tenant.region.clone(),
        namespace: format!("duploservices-{}", tenant.name.to_lowercase()),
    };
    k8s_answer(state, pidx, user_index, grant, now)
}

/// A plan's k8s configuration, for administrators (with the OTP code when the portal
/// needs one, as for admin AWS JIT); the one plan is `default`.
fn k8s_plan(
    state: &mut State,
    pidx: usize,
    user_index: usize,
    req: &Request,
    plan: &str,
    now: u64,
) -> Response {
    if let Err(r) = require_admin(state, pidx, user_index) {
        return r;
    }
    let p = &state.portals[pidx].config;
    if let Err(r) = check_otp(p, req) {
        return r;
    }
    if plan != k8s::PLAN_ID {
        return message(404, "Plan not found.");
    }
    let grant = K8sGrant {
        region: p.default_region.clone(),
        namespace: "default".into(),
    };
    k8s_answer(state, pidx, user_index, grant, now)
}
