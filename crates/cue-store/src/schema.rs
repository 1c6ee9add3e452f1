//! The tables, as diesel sees them. Written by hand from `migrations/{postgres,sqlite}` (both
//! backends share these column types); `cargo xtask schema --check` (tests/schema.rs) fails
//! when they drift, and `cargo xtask schema` prints what the migrations imply.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Nullable<Text>,
        email_normalized -> Nullable<Text>,
        email_verified -> Bool,
        display_name -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        company_name -> Nullable<Text>,
        industry -> Nullable<Text>,
        role -> Nullable<Text>,
        usage_purpose -> Nullable<Text>,
        last_provider -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sessions_valid_after -> Nullable<Timestamp>,
    }
}

diesel::table! {
    identities (provider, subject) {
        provider -> Text,
        subject -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_states (state_hash) {
        state_hash -> Text,
        provider -> Text,
        pkce_verifier -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    workflows (id) {
        id -> Text,
        owner_id -> Text,
        name -> Text,
        description -> Text,
        prompt -> Text,
        code -> Text,
        graph_json -> Text,
        plan_json -> Text,
        status -> Text,
        version -> Integer,
        code_updated_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        stored_bytes -> BigInt,
    }
}

diesel::table! {
    workflow_versions (workflow_id, version) {
        workflow_id -> Text,
        version -> Integer,
        code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    workflow_usage (owner_id) {
        owner_id -> Text,
        workflows -> BigInt,
        stored_bytes -> BigInt,
    }
}

diesel::joinable!(identities -> users (user_id));
diesel::joinable!(workflows -> users (owner_id));
diesel::joinable!(workflow_versions -> workflows (workflow_id));
diesel::joinable!(workflow_usage -> users (owner_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    identities,
    login_states,
    revoked_tokens,
    workflows,
    workflow_versions,
    workflow_usage
);
