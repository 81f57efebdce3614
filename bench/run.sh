#!/usr/bin/env bash
# Runs the foundation benchmark (see HubBench). Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.HubBench "$@"
