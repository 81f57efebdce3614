#!/usr/bin/env bash
# Federated-read benchmark (see FederationBench): two hubs from the jar on loopback, province 11
# reading a person's record at 21; prints what the federated read adds over its slower part.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.FederationBench "$@"
