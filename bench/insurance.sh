#!/usr/bin/env bash
# NCMS settlement benchmark (see InsuranceBench): the adjudication engine in batch, then
# Claim/$submit against a fresh hub started from the jar. Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
# the hubs the bench starts launch as bin/hub does (unpacked, with the class-data archive)
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.InsuranceBench "$@"
