-- Clients of the hub (OAuth 2.0): who they are, what they may do, how they authenticate.
create table security_client (
  client_id     text primary key,
  roles         text not null,              -- comma-separated role codes
  institution   text,
  division      text,
  practitioner  text,
  patient       text,
  secret_hash   text,                       -- {bcrypt}...; null for private_key_jwt only
  jwks          text,                       -- registered JWKS (JSON), inline
  jwks_url      text,                       -- or where to fetch it
  scopes        text not null,              -- space-separated scopes the client may ask for
  enabled       boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

-- Client-assertion ids seen (SMART: a jti is never accepted twice for one client while valid).
create table security_assertion_jti (
  client_id   text not null,
  jti         text not null,
  expires_at  timestamptz not null,
  primary key (client_id, jti)
);
create index security_assertion_jti_expiry on security_assertion_jti (expires_at);

-- The authorization server's token-signing keys (shared by every hub instance).
create table security_signing_key (
  kid         text primary key,
  jwk         text not null,
  created_at  timestamptz not null default now()
);

-- Treatment relationships: an institution that wrote to, or was referred, a patient's record.
create table security_care_relationship (
  patient_id   text not null,
  institution  text not null,
  last_seen    timestamptz not null,
  primary key (patient_id, institution)
);
