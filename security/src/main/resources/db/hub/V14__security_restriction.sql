-- A resident's restrictions on their own record: resources with this security label, or
-- Conditions/Observations of this category, are seen only by the institution that wrote them
-- (and the resident); break-glass overrides and is shown in the resident's access log.
create table security_restriction (
  patient_id  text not null,
  kind        text not null check (kind in ('label', 'category')),
  system      text not null,
  code        text not null,
  created_at  timestamptz not null default now(),
  created_by  text not null,
  primary key (patient_id, kind, system, code)
);
