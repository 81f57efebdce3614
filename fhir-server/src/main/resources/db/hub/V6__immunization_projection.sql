-- A projection of the repository for immunization coverage: each child's birth date and residence
-- county, and each recorded dose with its vaccine codes. Written in the same database transaction
-- as the FHIR resources it mirrors (an interceptor on HAPI's pre-commit pointcuts), so it never
-- disagrees with the repository. Ids are HAPI resource ids, never card numbers.
create table iz_patient (
  patient_id  varchar(64) primary key,
  birth_date  date,
  division    varchar(6),
  updated_at  timestamptz not null default now()
);
create index iz_patient_by_division on iz_patient (division, birth_date);

create table iz_dose (
  immunization_id varchar(64) primary key,
  patient_id      varchar(64) not null,
  vaccine         text[]      not null,
  occurrence      date,
  status          varchar(24) not null,
  updated_at      timestamptz not null default now()
);
create index iz_dose_by_patient on iz_dose (patient_id);
