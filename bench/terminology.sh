#!/usr/bin/env bash
# Terminology benchmarks: over HTTP against a hub (TerminologyBench), then in-process, the way
# mappings use the terminology API (TerminologyInProcessBenchmark, run on the terminology
# module's own classpath). Build first: ./mvnw -B -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" cn.healthcard.hub.bench.TerminologyBench "$@"
if [ ! -f terminology/target/bench-classpath.txt ]; then
  ./mvnw -q -B -pl terminology dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
fi
java -Xmx256m -cp "terminology/target/test-classes:terminology/target/classes:$(cat terminology/target/bench-classpath.txt)" \
  cn.healthcard.hub.terminology.TerminologyInProcessBenchmark
