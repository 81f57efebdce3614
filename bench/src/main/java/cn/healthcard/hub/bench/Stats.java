package cn.healthcard.hub.bench;

import java.util.Arrays;

/** Latency percentiles from recorded samples (nanoseconds). */
public final class Stats {
  private Stats() {}

  public static String percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        "n=%d p50=%.1f ms p95=%.1f ms p99=%.1f ms max=%.1f ms",
        sorted.length, ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
  }

  public static double ms(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
