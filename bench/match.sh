#!/usr/bin/env bash
# Person-matching benchmark (see MatchBench): precision and recall on a generated population with
# injected errors. Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx6g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.MatchBench "$@"
