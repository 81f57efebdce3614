-- One row per birth the hub has been told about, keyed by what identifies a birth: the mother,
-- the birth time and the birth order. The id is the birth's identifier in the repository (a
-- random UUID, so no person's data is derived into it). The row also drives the child-card
-- application (an outbox: applied after the birth is stored, retried until it can be).
create table hub.birth_registration (
  id uuid primary key,
  mother_system text not null,
  mother_value text not null,
  birth_time timestamptz not null,
  birth_order integer not null check (birth_order >= 1),
  facts jsonb not null,
  stillborn boolean not null,
  mother_has_card boolean not null,
  institution text,
  child_patient_id text,
  card_state text not null default 'pending'
    check (card_state in ('pending', 'applied', 'not-applicable', 'abandoned')),
  card_note text,
  card_id uuid,
  mother_linked boolean not null default false,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint birth_registration_one_per_birth unique (mother_system, mother_value, birth_time, birth_order)
);

create index birth_registration_due on hub.birth_registration (next_attempt_at) where card_state = 'pending';
