-- When the immunization projection was last rebuilt from the repository (one row). A database that
-- held Patients and Immunizations before the projection existed is rebuilt once at startup.
create table iz_projection_state (
  id            integer primary key check (id = 1),
  built_at      timestamptz not null,
  patients      bigint      not null,
  immunizations bigint      not null
);
