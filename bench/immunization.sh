#!/usr/bin/env bash
# Immunization benchmark (see ImmunizationBench): 20,000 children with 100,000 immunizations loaded,
# then division searches, coverage and $export, against a fresh hub started from the jar.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.ImmunizationBench "$@"
