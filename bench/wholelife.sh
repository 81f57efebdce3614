#!/usr/bin/env bash
# Whole-life record benchmark (see WholeLifeBench): persons with ten years of records (a few hundred
# resources each) loaded as transactions, then $everything by card number and by Patient id against a
# fresh hub started from the jar; target p95 <= 300 ms.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
# the hubs the bench starts launch as bin/hub does (unpacked, with the class-data archive)
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.WholeLifeBench "$@"
