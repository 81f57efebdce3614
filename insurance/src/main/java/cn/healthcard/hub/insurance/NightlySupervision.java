package cn.healthcard.hub.insurance;

import cn.healthcard.hub.insurance.enrolment.Enrolments;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The nightly fund-supervision pass: every claim settled on the previous day (China time) is put
 * through the rules again, now that later claims, today's cost statistics and the card and record
 * as they stand are known; premiums unpaid past their grace lapse. Once per day across instances
 * (the first to take the day in {@code hub.insurance_supervision_run} runs it); an operator may
 * run a day again. Reports its progress.
 */
public final class NightlySupervision implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NightlySupervision.class);

  private final Insurance insurance;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final LocalTime at;
  private final String instance;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "nightly-supervision");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.IDLE);

  /** Where the pass stands on this instance. */
  public record Progress(String state, LocalDate day, int claims, int done, int findings, Instant startedAt,
      Instant finishedAt, String message) {
    static final Progress IDLE = new Progress("idle", null, 0, 0, 0, null, null, null);

    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", state);
      if (day != null) {
        m.put("day", day.toString());
        m.put("claims", claims);
        m.put("done", done);
        m.put("findings", findings);
        m.put("startedAt", startedAt.toString());
      }
      if (finishedAt != null) {
        m.put("finishedAt", finishedAt.toString());
      }
      if (message != null) {
        m.put("message", message);
      }
      return m;
    }
  }

  public NightlySupervision(Insurance insurance, JdbcClient jdbc, Clock clock, LocalTime at, String instance) {
    this.insurance = insurance;
    this.jdbc = jdbc;
    this.clock = clock;
    this.at = at;
    this.instance = instance;
  }

  public void start() {
    scheduleNext();
  }

  private void scheduleNext() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(Enrolments.CHINA));
    ZonedDateTime next = now.toLocalDate().atTime(at).atZone(Enrolments.CHINA);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    LocalDate day = next.toLocalDate().minusDays(1);
    executor.schedule(() -> {
      try {
        run(day, false);
      } catch (RuntimeException e) {
        log.error("Nightly supervision of {} failed", day, e);
      }
      scheduleNext();
    }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
  }

  public Progress status() {
    return progress.get();
  }

  /** Starts a pass over a day in the background (again, if it ran before); false while one runs here. */
  public boolean runInBackground(LocalDate day) {
    if ("running".equals(progress.get().state())) {
      return false;
    }
    progress.set(new Progress("running", day, 0, 0, 0, clock.instant(), null, null));
    executor.execute(() -> {
      try {
        run(day, true);
      } catch (RuntimeException e) {
        log.error("Supervision of {} failed", day, e);
      }
    });
    return true;
  }

  /**
   * Runs the pass over the claims settled on {@code day}.
   *
   * @param again run it even if an instance ran this day before
   * @return the findings new in this pass, or -1 when another instance has the day
   */
  public int run(LocalDate day, boolean again) {
    Instant started = clock.instant();
    int taken = jdbc.sql("insert into hub.insurance_supervision_run (day, started_at, taken_by) values (?, ?, ?)"
            + " on conflict (day) do nothing")
        .param(day).param(Timestamp.from(started)).param(instance).update();
    if (taken == 0 && !again) {
      progress.set(new Progress("skipped", day, 0, 0, 0, started, clock.instant(), "another instance took this day"));
      return -1;
    }
    try {
      int lapsed = insurance.lapseOverdue();
      int statistics = insurance.costs().refresh();
      Instant from = day.atStartOfDay(Enrolments.CHINA).toInstant();
      Instant to = day.plusDays(1).atStartOfDay(Enrolments.CHINA).toInstant();
      List<String> claims = jdbc.sql("select id from hub.insurance_claim where settled_at >= ? and settled_at < ?"
              + " and status = 'settled' order by settled_at, id")
          .param(Timestamp.from(from)).param(Timestamp.from(to)).query(String.class).list();
      AtomicInteger done = new AtomicInteger();
      AtomicInteger found = new AtomicInteger();
      progress.set(new Progress("running", day, claims.size(), 0, 0, started, null, null));
      for (String claim : claims) {
        found.addAndGet(insurance.superviseAgain(claim).size());
        done.incrementAndGet();
        progress.set(new Progress("running", day, claims.size(), done.get(), found.get(), started, null, null));
      }
      jdbc.sql("update hub.insurance_supervision_run set finished_at = ?, claims = ?, findings = ?, taken_by = ?"
              + " where day = ?")
          .param(Timestamp.from(clock.instant())).param(claims.size()).param(found.get()).param(instance).param(day)
          .update();
      String message = lapsed + " premium enrolment(s) lapsed, " + statistics + " cost statistics";
      progress.set(new Progress("done", day, claims.size(), done.get(), found.get(), started, clock.instant(), message));
      log.info("Nightly supervision of {}: {} claims, {} new findings; {}", day, claims.size(), found.get(), message);
      return found.get();
    } catch (RuntimeException e) {
      progress.set(new Progress("failed", day, 0, 0, 0, started, clock.instant(), e.getMessage()));
      throw e;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
