-- Card cryptography: the software HSM's wrapped keys, the Health CA (its own certificates, the
-- card certificates it issued, revocations, CRL numbering) and the key-injection front end
-- (requests it answered, and a journal of every request it received). No card number or name
-- is stored in these tables.

-- Keys of the software HSM, only ever wrapped (SM4-GCM under a key-encryption key derived from
-- the HSM passphrase). The row '$kek' holds the PBKDF2 salt, iteration count and KEK check value.
create table hsm_key (
  alias       varchar(128) primary key,
  kind        varchar(16)  not null check (kind in ('kek-params', 'sm4-master', 'sm2-sign', 'sm2-decrypt')),
  public_part bytea,
  wrapped     bytea        not null,
  created_at  timestamptz  not null default now()
);

-- The CA's own certificates: 'root' (self-signed) and 'issuing' (signed by root).
create table ca_certificate (
  alias      varchar(32)  primary key,
  serial     varchar(40)  not null,
  subject    varchar(512) not null,
  not_after  timestamptz  not null,
  der        bytea        not null,
  created_at timestamptz  not null default now()
);

-- Card certificates. serial is lower-case hex; subject_id is the opaque id in the subject CN
-- (the registry's card UUID).
create table ca_issued_certificate (
  serial     varchar(40)  primary key,
  subject_id varchar(64)  not null,
  not_before timestamptz  not null,
  not_after  timestamptz  not null,
  der        bytea        not null,
  issued_at  timestamptz  not null default now()
);
create index ca_issued_certificate_by_subject on ca_issued_certificate (subject_id);

-- Current revocations. A certificateHold row is deleted when the hold is released.
create table ca_revocation (
  serial     varchar(40)  primary key references ca_issued_certificate (serial),
  reason     varchar(24)  not null check (reason in ('unspecified', 'keyCompromise',
               'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold',
               'privilegeWithdrawn')),
  revoked_at timestamptz  not null,
  updated_at timestamptz  not null default now()
);

-- CRL numbers, increasing across restarts and instances.
create sequence ca_crl_number;
-- Every change to ca_revocation takes a new value; a cached CRL older than it is regenerated.
create sequence ca_revocation_change;
create table ca_revocation_state (
  id      smallint primary key check (id = 1),
  version bigint   not null
);

-- Personalization requests whose signature was valid: the request id is spent (replays are
-- refused), and an answered request waits for its injection confirmation.
create table key_injection_request (
  request_id           varchar(64)  primary key,
  producer_id          varchar(64)  not null,
  state                varchar(16)  not null check (state in ('claimed', 'refused', 'answered', 'confirmed')),
  card_id              uuid,
  diversification_code varchar(64),
  certificate_serial   varchar(40),
  received_at          timestamptz  not null default now(),
  answered_at          timestamptz,
  confirmed_at         timestamptz
);
create index key_injection_request_by_card on key_injection_request (card_id) where card_id is not null;

-- Every message the front end received, accepted or refused. reason never holds card data.
create table key_injection_log (
  id          bigserial    primary key,
  request_id  varchar(64),
  producer_id varchar(64),
  step        varchar(16)  not null check (step in ('personalization', 'confirmation')),
  outcome     varchar(16)  not null check (outcome in ('accepted', 'refused', 'failed')),
  code        varchar(32),
  reason      varchar(500),
  at          timestamptz  not null default now()
);
create index key_injection_log_by_request on key_injection_log (request_id);
create index key_injection_log_by_at on key_injection_log (at);
