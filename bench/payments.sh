#!/usr/bin/env bash
# Payment-platform benchmark (see PaymentBench): WeChat Pay orders created and paid on the sandbox,
# against a fresh hub started from the jar. Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
# the hubs the bench starts launch as bin/hub does (unpacked, with the class-data archive)
bin/hub-prepare || echo "bench: hub-prepare failed; the hubs start from the plain jar" >&2
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.PaymentBench "$@"
