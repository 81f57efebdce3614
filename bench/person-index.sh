#!/usr/bin/env bash
# Person index benchmark (see PersonIndexBench): PDQm $match over 1,000,000 generated residents in
# the hub's person index on Elasticsearch, against a fresh hub started from the jar.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.PersonIndexBench "$@"
