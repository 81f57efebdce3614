#!/usr/bin/env bash
# Whole-life record benchmark (see WholeLifeBench): persons with ten years of records (a few hundred
# resources each) loaded as transactions, then $everything by card number and by Patient id against a
# fresh hub started from the jar; target p95 <= 300 ms.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.WholeLifeBench "$@"
