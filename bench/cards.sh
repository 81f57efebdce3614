#!/usr/bin/env bash
# Card-platform benchmark (see CardBench): kiosk issuance rate, then $verify-card with 8 terminals,
# against a fresh hub started from the jar. Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.CardBench "$@"
