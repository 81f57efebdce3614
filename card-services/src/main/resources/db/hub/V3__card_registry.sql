-- The provincial card registry: one row per physical card, its full event history, batch
-- applications with their two-level review, production batches, institutions allowed to issue,
-- card usage (verifications). Card numbers stay in these tables; ids are random UUIDs.

create table card (
  id                   uuid primary key,
  -- null only for a child card applied for from a birth record, before the ID number exists
  card_number          varchar(18),
  patient_id           varchar(64),
  card_type            varchar(8)   not null check (card_type in ('adult', 'child')),
  channel              varchar(16)  not null check (channel in ('bank-branch', 'kiosk', 'batch')),
  institution          varchar(64)  not null,
  division             varchar(6),
  status               varchar(24)  not null,
  -- the status a card had when the national registry put it on hold; released back to it
  held_from            varchar(24),
  chip_serial          varchar(64),
  diversification_code varchar(64),
  certificate_serial   varchar(64),
  issued_on            date,
  expires_on           date,
  replaces             uuid references card (id),
  batch_id             uuid,
  created_at           timestamptz  not null default now(),
  updated_at           timestamptz  not null default now(),
  constraint card_number_required check (card_number is not null or card_type = 'child')
);

-- At most one live card per card number in the province, whatever the channel. Replacing a
-- card retires the old row before the new one is inserted, in one transaction.
create unique index card_one_live_per_number on card (card_number)
  where status not in ('replaced', 'cancelled', 'rejected');
create unique index card_chip_serial on card (chip_serial) where chip_serial is not null;
create index card_by_number on card (card_number);
create index card_by_patient on card (patient_id);
create index card_by_batch on card (batch_id) where batch_id is not null;
create index card_by_created on card (created_at);

create table card_event (
  id          bigserial primary key,
  card_id     uuid         not null references card (id),
  event       varchar(32)  not null,
  from_status varchar(24),
  to_status   varchar(24)  not null,
  actor       varchar(128) not null,
  reason      text,
  at          timestamptz  not null default now()
);
create index card_event_by_card on card_event (card_id, id);

-- A batch application and where its review stands (the FHIR Task is its projection).
create table card_application (
  card_id       uuid primary key references card (id),
  task_id       varchar(64)  not null unique,
  review        varchar(24)  not null,
  service_point varchar(64)  not null,
  submitted_at  timestamptz  not null default now(),
  updated_at    timestamptz  not null default now()
);
create index card_application_by_review on card_application (review);

create table card_batch (
  id          uuid primary key,
  created_at  timestamptz not null default now(),
  card_count  integer     not null,
  actor       varchar(128) not null
);

-- A factory result file is applied once: the same content again changes nothing.
create table card_batch_result (
  sha256      varchar(64) primary key,
  batch_id    uuid        not null references card_batch (id),
  received_at timestamptz not null default now(),
  produced    integer     not null,
  failed      integer     not null,
  ignored     integer     not null
);

-- Institutions that may issue or produce cards, with the SM2 key their requests are signed by.
create table card_institution (
  id          varchar(64) primary key,
  kind        varchar(16) not null check (kind in ('bank-branch', 'kiosk', 'service-point', 'card-factory')),
  name        varchar(200) not null,
  division    varchar(6),
  public_key  text,
  enabled     boolean     not null default true,
  created_at  timestamptz not null default now()
);

-- Nonces of signed requests, kept for the allowed clock skew (and purged after).
create table signed_request_nonce (
  key_id  varchar(64)  not null,
  nonce   varchar(64)  not null,
  seen_at timestamptz  not null default now(),
  primary key (key_id, nonce)
);

-- Every verification a terminal asked for: statistics, and a challenge answered once per card.
create table card_usage (
  id             bigserial primary key,
  card_id        uuid references card (id),
  terminal       varchar(64) not null,
  challenge_sha  varchar(64) not null,
  outcome        varchar(24) not null,
  at             timestamptz not null default now()
);
create unique index card_usage_challenge_once on card_usage (card_id, challenge_sha) where card_id is not null and outcome = 'genuine';
create index card_usage_by_at on card_usage (at);
