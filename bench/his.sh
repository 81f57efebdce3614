#!/usr/bin/env bash
# HIS benchmark (see HisBench): mixed ADT/ORU over MLLP into a fresh hub started from the jar.
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.HisBench "$@"
