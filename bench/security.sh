#!/usr/bin/env bash
# What security costs (see SecurityBench): the same load and card-number searches against a hub
# with security off and one with security on, in one run. Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.SecurityBench "$@"
