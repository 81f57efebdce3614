-- Registration with the national card-management system: a transactional outbox. The registry
-- writes a row in the same transaction as the card change it reports; NationalRegistrationSender
-- sends it (select ... for update skip locked, safe with several hub instances) and records the
-- answer. The row id is the requestId sent to the national system, its idempotency key.
-- No foreign key to card: the outbox outlives card-row clean-ups and must not block them.

create table national_outbox (
  id                       uuid primary key,
  -- enqueue order: requests about one card number are sent in this order
  seq                      bigserial    not null unique,
  card_id                  uuid         not null,
  kind                     varchar(16)  not null check (kind in ('register', 'status')),
  -- the exact request body (holds the card number, never copied into another column)
  payload                  jsonb        not null,
  status                   varchar(16)  not null default 'pending'
                             check (status in ('pending', 'retrying', 'done', 'conflict', 'failed')),
  attempts                 integer      not null default 0,
  next_attempt_at          timestamptz  not null,
  -- why the last attempt did not succeed, or the conflict / refusal reason; never a card number
  last_error               varchar(500),
  national_registration_id varchar(64),
  created_at               timestamptz  not null,
  updated_at               timestamptz  not null
);

-- what the sender polls for
create index national_outbox_due on national_outbox (next_attempt_at, seq)
  where status in ('pending', 'retrying');
-- an earlier request about the same card number still waiting holds later ones back
create index national_outbox_waiting_by_number on national_outbox ((payload ->> 'cardNumber'), seq)
  where status in ('pending', 'retrying');
-- the oldest waiting request's age (health indicator)
create index national_outbox_waiting_since on national_outbox (created_at)
  where status in ('pending', 'retrying');
create index national_outbox_by_card on national_outbox (card_id);
-- operators' lists of requests that need them
create index national_outbox_unresolved on national_outbox (status, updated_at)
  where status in ('conflict', 'failed');
