//! The tables, written by hand so that one schema serves both backends (see `migrations/`).

diesel::table! {
    agencies (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        change_seq -> BigInt,
        default_markup_bp -> Integer,
        version -> Integer,
        updated_at -> Timestamp,
        skills_seq -> BigInt,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        agency_id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        agency_id -> BigInt,
        actor_kind -> Text,
        actor_id -> Nullable<BigInt>,
        resource -> Text,
        resource_id -> BigInt,
        action -> Text,
        fields -> Text,
        request_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        agency_id -> BigInt,
        url -> Text,
        description -> Nullable<Text>,
        events -> Text,
        secret -> Text,
        failing_since -> Nullable<Timestamp>,
        consecutive_failures -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> BigInt,
        agency_id -> BigInt,
        event_type -> Text,
        resource_key -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        agency_id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        resource_key -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_latency_ms -> Nullable<Integer>,
        last_attempt_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        agency_id -> BigInt,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        token_version -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (email) {
        email -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    app_meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    skills (id) {
        id -> BigInt,
        agency_id -> Nullable<BigInt>,
        name -> Text,
        category -> Text,
        aliases -> Text,
        implies -> Text,
        closes -> Text,
        created_at -> Timestamp,
        cert_status -> Nullable<Text>,
        retired_year -> Nullable<Integer>,
        cert_pathway -> Nullable<Text>,
        cert_healthcare_months -> Nullable<Integer>,
    }
}

diesel::table! {
    skill_aliases (scope, norm) {
        scope -> BigInt,
        norm -> Text,
        skill_id -> BigInt,
    }
}

diesel::table! {
    candidates (id) {
        id -> BigInt,
        agency_id -> BigInt,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        location -> Nullable<Text>,
        remote_ok -> Bool,
        status -> Text,
        headline -> Nullable<Text>,
        certifications -> Text,
        crossover_signals -> Text,
        it_experience_months -> Nullable<Integer>,
        healthcare_experience_months -> Nullable<Integer>,
        desired_rate_cents -> Nullable<BigInt>,
        min_rate_cents -> Nullable<BigInt>,
        available_from -> Nullable<Date>,
        tags -> Text,
        tags_norm -> Text,
        notes -> Nullable<Text>,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        current_resume_id -> Nullable<BigInt>,
        change_seq -> BigInt,
    }
}

diesel::table! {
    resumes (id) {
        id -> BigInt,
        agency_id -> BigInt,
        candidate_id -> BigInt,
        version -> Integer,
        filename -> Text,
        format -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        text -> Nullable<Text>,
        extraction -> Nullable<Text>,
        extractor_version -> Nullable<Text>,
        status -> Text,
        status_detail -> Nullable<Text>,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        parsed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    candidate_skills (candidate_id, skill_id) {
        candidate_id -> BigInt,
        skill_id -> BigInt,
        position -> Integer,
        years -> Nullable<Integer>,
        level -> Nullable<Text>,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        agency_id -> BigInt,
        name -> Text,
        sector -> Text,
        location -> Nullable<Text>,
        max_rate_cents -> Nullable<BigInt>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        notes -> Nullable<Text>,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        markup_bp -> Nullable<Integer>,
    }
}

diesel::table! {
    match_alerts (job_order_id, candidate_id) {
        job_order_id -> BigInt,
        candidate_id -> BigInt,
        agency_id -> BigInt,
        score_tenths -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_orders (id) {
        id -> BigInt,
        agency_id -> BigInt,
        client_id -> BigInt,
        title -> Text,
        description -> Nullable<Text>,
        max_rate_cents -> Nullable<BigInt>,
        location -> Nullable<Text>,
        remote -> Bool,
        duration_months -> Nullable<Integer>,
        status -> Text,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        markup_bp -> Nullable<Integer>,
        alerts -> Bool,
        alert_min_score_tenths -> Nullable<Integer>,
    }
}

diesel::table! {
    placements (id) {
        id -> BigInt,
        agency_id -> BigInt,
        job_order_id -> BigInt,
        candidate_id -> BigInt,
        pay_rate_cents -> BigInt,
        bill_rate_cents -> BigInt,
        budget_cents -> Nullable<BigInt>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        step_ups -> Text,
        placed_by -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    job_order_skills (job_order_id, skill_id) {
        job_order_id -> BigInt,
        skill_id -> BigInt,
        required -> Bool,
        position -> Integer,
        weight -> Integer,
        min_years -> Integer,
    }
}

diesel::table! {
    candidate_tombstones (candidate_id) {
        candidate_id -> BigInt,
        agency_id -> BigInt,
        change_seq -> BigInt,
    }
}

diesel::table! {
    rate_card_entries (id) {
        id -> BigInt,
        agency_id -> BigInt,
        skill_id -> Nullable<BigInt>,
        role_family -> Nullable<Text>,
        subject_key -> Text,
        experienced_rate_cents -> BigInt,
        entry_rate_cents -> Nullable<BigInt>,
        notes -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shortlist_entries (id) {
        id -> BigInt,
        agency_id -> BigInt,
        job_order_id -> BigInt,
        candidate_id -> BigInt,
        stage -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shortlist_events (id) {
        id -> BigInt,
        entry_id -> BigInt,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        note -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        at -> Timestamp,
        api_key_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(api_keys -> agencies (agency_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> outbox_events (event_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(skill_aliases -> skills (skill_id));
diesel::joinable!(candidates -> agencies (agency_id));
diesel::joinable!(candidate_skills -> candidates (candidate_id));
diesel::joinable!(resumes -> candidates (candidate_id));
diesel::joinable!(candidate_skills -> skills (skill_id));
diesel::joinable!(clients -> agencies (agency_id));
diesel::joinable!(job_orders -> clients (client_id));
diesel::joinable!(job_order_skills -> job_orders (job_order_id));
diesel::joinable!(job_order_skills -> skills (skill_id));
diesel::joinable!(rate_card_entries -> skills (skill_id));
diesel::joinable!(shortlist_entries -> job_orders (job_order_id));
diesel::joinable!(shortlist_entries -> candidates (candidate_id));
diesel::joinable!(shortlist_events -> shortlist_entries (entry_id));
diesel::joinable!(shortlist_events -> users (user_id));
diesel::joinable!(shortlist_events -> api_keys (api_key_id));
diesel::joinable!(placements -> job_orders (job_order_id));
diesel::joinable!(placements -> candidates (candidate_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    match_alerts,
    audit_events,
    webhook_endpoints,
    outbox_events,
    webhook_deliveries,
    agencies,
    users,
    refresh_tokens,
    login_attempts,
    app_meta,
    skills,
    skill_aliases,
    candidates,
    resumes,
    candidate_skills,
    clients,
    job_orders,
    job_order_skills,
    candidate_tombstones,
    rate_card_entries,
    shortlist_entries,
    shortlist_events,
    placements,
);
