-- NCMS / basic medical insurance: schemes as loaded (every version kept: a settled claim names the
-- one it was adjudicated under), designated hospitals, enrolment and premiums, the claim ledger,
-- the fund's payables, fund-supervision findings.
create table hub.insurance_scheme (
  county text not null,
  year int not null,
  version int not null,
  product text not null,
  name text not null,
  contribution_fen bigint not null,
  document text not null,
  loaded_at timestamptz not null,
  loaded_by text not null,
  primary key (county, year, version)
);

create table hub.insurance_provider (
  institution text primary key,
  name text not null,
  level text not null check (level in ('township', 'county', 'city', 'province')),
  county text not null,
  designated boolean not null,
  updated_at timestamptz not null
);

-- one premium (an Invoice) per household, scheme year and enrolment act
create table hub.insurance_premium (
  id text primary key,
  household text not null,
  county text not null,
  year int not null,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null check (status in ('due', 'paid', 'lapsed')),
  due_on date not null,
  paid_at timestamptz,
  paid_by text,
  invoice text,
  created_at timestamptz not null
);
create index insurance_premium_household on hub.insurance_premium (household, year);

create table hub.insurance_enrolment (
  id text primary key,
  county text not null,
  year int not null,
  household text not null,
  card_number text not null,
  patient text not null,
  head boolean not null,
  kind text not null check (kind in ('regular', 'newborn', 'migrant')),
  status text not null check (status in ('pending', 'active', 'lapsed', 'cancelled')),
  premium_id text not null references hub.insurance_premium (id),
  covered_from date,
  coverage text,
  enrolled_at timestamptz not null,
  enrolled_by text not null
);
-- a person is enrolled once a year, in one county, however many households list them
create unique index insurance_enrolment_person_year on hub.insurance_enrolment (card_number, year)
  where status in ('pending', 'active');
create index insurance_enrolment_premium on hub.insurance_enrolment (premium_id);

-- the row a person's claims of a year lock, so that two claims at once see each other's usage
create table hub.insurance_person_year (
  card_number text not null,
  year int not null,
  primary key (card_number, year)
);

create table hub.insurance_claim (
  id text primary key,
  institution text not null,
  claim_no text not null,
  card_number text not null,
  patient text not null,
  county text not null,
  year int not null,
  scheme_version int not null,
  setting text not null,
  level text not null,
  service_from timestamptz not null,
  service_to timestamptz not null,
  diagnoses text not null,
  -- what was billed (items, quantities, prices), to find the same bill sent twice
  fingerprint text not null,
  status text not null check (status in ('settled', 'reversed')),
  claim_reasons text not null,
  submitted_fen bigint not null,
  eligible_fen bigint not null,
  deductible_fen bigint not null,
  copay_fen bigint not null,
  benefit_fen bigint not null,
  patient_fen bigint not null,
  fund_status text not null check (fund_status in ('payable', 'held', 'paid', 'none')),
  replaces text references hub.insurance_claim (id),
  claim_resource text,
  claim_response text,
  eob text,
  settled_at timestamptz not null,
  reversed_at timestamptz,
  constraint insurance_claim_number unique (institution, claim_no)
);
create index insurance_claim_person on hub.insurance_claim (card_number, year);
create index insurance_claim_service_day on hub.insurance_claim (card_number, service_from);

create table hub.insurance_claim_line (
  claim_id text not null references hub.insurance_claim (id),
  sequence int not null,
  item text not null,
  item_class text not null,
  quantity numeric not null,
  eligible_quantity numeric not null,
  unit_fen bigint not null,
  submitted_fen bigint not null,
  eligible_fen bigint not null,
  deductible_fen bigint not null,
  copay_fen bigint not null,
  benefit_fen bigint not null,
  ratio_bp int not null,
  reasons text not null,
  rules text not null,
  primary key (claim_id, sequence)
);

-- what the fund owes each hospital: + at settlement, - at reversal; the sum per claim is its payable
create table hub.insurance_fund_ledger (
  id bigserial primary key,
  claim_id text not null references hub.insurance_claim (id),
  institution text not null,
  amount_fen bigint not null,
  entry text not null check (entry in ('settlement', 'reversal')),
  recorded_at timestamptz not null
);
create index insurance_fund_ledger_claim on hub.insurance_fund_ledger (claim_id);

create table hub.insurance_finding (
  id text primary key,
  rule text not null,
  severity text not null check (severity in ('high', 'moderate', 'low')),
  claim_id text not null references hub.insurance_claim (id),
  card_number text not null,
  county text not null,
  detail text not null,
  evidence text not null,
  status text not null check (status in ('open', 'confirmed', 'dismissed')),
  detected_issue text,
  task text,
  detected_at timestamptz not null,
  reviewed_at timestamptz,
  reviewed_by text,
  review_note text,
  constraint insurance_finding_once unique (rule, claim_id)
);
create index insurance_finding_county on hub.insurance_finding (county, status);
