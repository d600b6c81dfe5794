//! Operations endpoints, the served contract, and the shape of routing errors.

mod common;

use common::spawn_app;
use reqwest::Method;

#[actix_web::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    let health = app.request(Method::GET, "/healthz", None, None, &[]).await;
    assert_eq!(health.ok(200)["status"], "ok");
    let ready = app.request(Method::GET, "/readyz", None, None, &[]).await;
    assert_eq!(ready.ok(200)["status"], "ready");
}

#[actix_web::test]
async fn the_contract_is_served_and_names_every_route() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/openapi.yaml", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/yaml"));
    let spec: serde_yaml::Value = serde_yaml::from_str(&response.text().await.unwrap()).expect("valid YAML");
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/agency",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/skills",
        "/api/v1/skills/{id}",
        "/api/v1/candidates",
        "/api/v1/candidates/export.csv",
        "/api/v1/candidates/{id}",
        "/api/v1/clients",
        "/api/v1/clients/{id}",
        "/api/v1/job-orders",
        "/api/v1/job-orders/export.csv",
        "/api/v1/job-orders/{id}",
        "/api/v1/job-orders/{id}/matches",
        "/api/v1/job-orders/{id}/shortlist",
        "/api/v1/job-orders/{id}/shortlist/{candidate_id}",
        "/api/v1/job-orders/{id}/shortlist/{candidate_id}/submittal",
        "/api/v1/placements",
        "/api/v1/placements/export.csv",
        "/api/v1/placements/{id}",
        "/api/v1/matches",
        "/api/v1/rate-card",
        "/api/v1/rate-card/{id}",
        "/healthz",
        "/readyz",
        "/openapi.yaml",
        "/docs/",
    ] {
        assert!(!spec["paths"][path].is_null(), "openapi.yaml lacks {path}");
    }
}

#[actix_web::test]
async fn an_unknown_path_is_a_404_problem() {
    let app = spawn_app().await;
    app.request(Method::GET, "/api/v1/nothing-here", None, None, &[]).await.problem(404);
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    let reply = app.request(Method::PUT, "/api/v1/candidates", None, None, &[]).await;
    reply.problem(405);
    assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD, POST"));
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let echoed = app.request(Method::GET, "/healthz", None, None, &[("x-request-id", "trace-42")]).await;
    assert_eq!(echoed.header("x-request-id").as_deref(), Some("trace-42"));
    let generated = app.request(Method::GET, "/healthz", None, None, &[]).await;
    assert!(generated.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

#[actix_web::test]
async fn two_instances_starting_together_share_one_database_and_one_taxonomy() {
    let (first, second) = common::spawn_two_instances().await;
    let s = first.signup("Lakeside", "ada@lakeside.example").await;
    // A token issued by one instance works on the other: no state lives in the process.
    second.get("/api/v1/me", &s.access).await.ok(200);
    let one = global_skill_count(&first, &s.access).await;
    assert!(one >= 300);
    assert_eq!(one, global_skill_count(&second, &s.access).await);
    let hl7 = second.get("/api/v1/skills?q=hl7%20v2&scope=global", &s.access).await;
    assert_eq!(hl7.ok(200)["items"].as_array().unwrap().iter().filter(|i| i["name"] == "HL7 v2").count(), 1);
}

async fn global_skill_count(app: &common::TestApp, token: &str) -> usize {
    let mut total = 0;
    let mut path = "/api/v1/skills?limit=100&scope=global".to_owned();
    loop {
        let page = app.get(&path, token).await.ok(200).clone();
        total += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/skills?limit=100&scope=global&cursor={c}"),
            None => return total,
        }
    }
}

/// A `default` in a PATCH body's schema makes generated clients send it on every PATCH, resetting
/// the field: no PATCH schema may have one, at any depth of its own properties.
#[actix_web::test]
async fn no_patch_schema_has_a_default() {
    fn defaults(value: &serde_yaml::Value, at: String, found: &mut Vec<String>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (key, child) in map {
                    let key = key.as_str().unwrap_or_default();
                    if key == "default" {
                        found.push(at.clone());
                    }
                    defaults(child, format!("{at}.{key}"), found);
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    defaults(child, format!("{at}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    let app = spawn_app().await;
    let text = app.client.get(format!("{}/openapi.yaml", app.base)).send().await.unwrap().text().await.unwrap();
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let schemas = spec["components"]["schemas"].as_mapping().unwrap();
    let mut found = Vec::new();
    let mut patches = 0;
    for (name, schema) in schemas {
        let name = name.as_str().unwrap();
        if name.ends_with("Patch") {
            patches += 1;
            defaults(schema, name.to_owned(), &mut found);
        }
    }
    assert!(patches >= 7, "the PATCH schemas are found ({patches})");
    assert!(found.is_empty(), "defaults in PATCH schemas: {found:?}");
}

/// An empty search box (`q=`, or only spaces) lists as if there were no `q`, on every list that
/// takes one.
#[actix_web::test]
async fn an_empty_search_is_no_search() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let client = app.create("/api/v1/clients", &s.access, serde_json::json!({"name": "Prairie Clinic"})).await;
    let body = serde_json::json!({"client_id": client["id"], "title": "Epic Analyst"});
    app.create("/api/v1/job-orders", &s.access, body).await;
    app.create("/api/v1/candidates", &s.access, serde_json::json!({"full_name": "Dana Reyes"})).await;
    for list in ["/api/v1/candidates", "/api/v1/clients", "/api/v1/job-orders", "/api/v1/skills"] {
        let all = app.get(&format!("{list}?limit=5"), &s.access).await.ok(200).clone();
        assert!(!all["items"].as_array().unwrap().is_empty(), "{list}");
        for empty in ["q=", "q=%20%20"] {
            let reply = app.get(&format!("{list}?limit=5&{empty}"), &s.access).await;
            assert_eq!(reply.ok(200)["items"], all["items"], "{list}?{empty}");
        }
    }
}

/// The interactive documentation is served by the binary itself, offline, and reads this
/// service's contract.
#[actix_web::test]
async fn docs_are_served_from_the_binary_and_read_the_contract() {
    let app = spawn_app().await;
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let root = no_redirect.get(format!("{}/docs", app.base)).send().await.unwrap();
    assert_eq!(root.status(), 308);
    assert_eq!(root.headers()["location"], "/docs/");
    let page = app.client.get(format!("{}/docs/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let init = app.client.get(format!("{}/docs/swagger-initializer.js", app.base)).send().await.unwrap();
    assert_eq!(init.status(), 200);
    assert!(init.text().await.unwrap().contains("/openapi.yaml"), "the page reads this service's contract");
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js"] {
        let reply = app.client.get(format!("{}/docs/{asset}", app.base)).send().await.unwrap();
        assert_eq!(reply.status(), 200, "{asset}");
    }
    app.request(Method::GET, "/docs/no-such-file.js", None, None, &[]).await.problem(404);
}
