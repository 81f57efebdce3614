package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * HAPI moves batch jobs ({@code $export}, reindexing) from one step to the next in a maintenance
 * pass that its scheduler runs once a minute, so a small export took minutes. This asks for a
 * pass every two seconds; a pass that finds nothing to do is one cheap query, and HAPI skips a
 * request while a pass is already running. It starts when the application is ready: HAPI starts
 * its schedulers at the end of the context refresh, and a trigger before that fails (an ERROR
 * line in the log at every start).
 */
public class BatchJobPace implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
  private final IJobMaintenanceService maintenance;
  private ScheduledExecutorService timer;
  private boolean running;

  public BatchJobPace(IJobMaintenanceService maintenance) {
    this.maintenance = maintenance;
  }

  @Override
  public synchronized void start() {
    running = true;
  }

  @Override
  public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
    if (!running || timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "batch-job-pace");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            maintenance.triggerMaintenancePass();
          } catch (RuntimeException e) {
            // the next tick tries again; HAPI's own scheduler still runs its passes
          }
        },
        2,
        2,
        TimeUnit.SECONDS);
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }
}
