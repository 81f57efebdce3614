package cn.healthcard.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import cn.healthcard.hub.security.audit.AuditChain;
import cn.healthcard.hub.security.audit.AuditRecord;
import cn.healthcard.hub.security.audit.AuditTrail;
import cn.healthcard.hub.security.audit.BalpAuditEvents;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns the audit outbox into AuditEvent resources, in order, chained per day: the outbox rows,
 * the AuditEvents and the chain links of a batch commit together, under a database advisory lock
 * so that one hub instance at a time extends the chain. Runs on a daemon thread of its own.
 */
public final class AuditChainWriter implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AuditChainWriter.class);
  /** Days of the chain are the province's days. */
  public static final ZoneId PROVINCE = ZoneId.of("Asia/Shanghai");
  static final long LOCK_KEY = 0x6875625f61756469L; // "hub_audi"
  static final int BATCH = 200;
  static final Duration PAUSE = Duration.ofMillis(300);

  private final DaoRegistry daos;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  /** For the Devices of clients: committed before the AuditEvents naming them are written. */
  private final TransactionTemplate ownTransactions;
  private final AuditChain chain;
  private final AtomicLong written = new AtomicLong();
  private final Cache<String, String> devices = Caffeine.newBuilder().maximumSize(10_000).build();
  private ScheduledExecutorService executor;

  private record Head(long seq, String hash) {}

  public AuditChainWriter(DaoRegistry daos, JdbcTemplate jdbc, TransactionTemplate transactions, AuditChain chain) {
    this.daos = daos;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.chain = chain;
    this.ownTransactions = new TransactionTemplate(transactions.getTransactionManager());
    this.ownTransactions.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** AuditEvents written since the start. */
  public long written() {
    return written.get();
  }

  /** Entries recorded but not yet AuditEvents. */
  public long pending() {
    Long count = jdbc.queryForObject("select count(*) from hub.audit_outbox", Long.class);
    return count == null ? 0 : count;
  }

  /** Moves up to one batch; how many entries became AuditEvents (0 when another instance holds the chain). */
  public int drainOnce() {
    Integer moved = transactions.execute(status -> {
      Boolean locked = jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY);
      if (!Boolean.TRUE.equals(locked)) {
        return 0;
      }
      List<long[]> ids = new ArrayList<>();
      List<String> entries = new ArrayList<>();
      jdbc.query("select id, entry from hub.audit_outbox order by id limit " + BATCH, rs -> {
        ids.add(new long[] {rs.getLong(1)});
        entries.add(rs.getString(2));
      });
      if (entries.isEmpty()) {
        return 0;
      }
      // one FHIR transaction for the batch: HAPI resolves the references of all its entries
      // together and does not flush its session before each lookup, where a create per event
      // made every lookup flush the whole batch written so far (a JFR profile put the audit
      // writer at 15% of a secured search's CPU, nearly all of it in those flushes)
      Map<LocalDate, Head> heads = new HashMap<>();
      List<Object[]> links = new ArrayList<>();
      Bundle batch = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      for (String entry : entries) {
        AuditRecord record = AuditTrail.read(entry);
        AuditEvent event = BalpAuditEvents.toFhir(record, this::deviceOf);
        LocalDate day = record.recorded().atZone(PROVINCE).toLocalDate();
        Head head = heads.computeIfAbsent(day, this::head);
        AuditChain.chainTo(event, head.hash());
        String link = chain.link(head.hash(), event);
        batch.addEntry().setFullUrl(IdType.newRandomUuid().getValue()).setResource(event)
            .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("AuditEvent");
        links.add(new Object[] {Date.valueOf(day), head.seq() + 1, null, link});
        heads.put(day, new Head(head.seq() + 1, link));
      }
      @SuppressWarnings("unchecked")
      IFhirSystemDao<Bundle, ?> system = daos.getSystemDao();
      Bundle response = system.transactionNested(new SystemRequestDetails(), batch);
      for (int i = 0; i < links.size(); i++) {
        links.get(i)[2] = new IdType(response.getEntry().get(i).getResponse().getLocation()).getIdPart();
      }
      jdbc.batchUpdate("insert into hub.audit_chain (day, seq, audit_event_id, hash) values (?,?,?,?)", links);
      // exactly the rows read: a row with a lower id may commit after this batch was read (an HL7
      // v2 entry commits with its message's long storing transaction) and must wait for the next
      if (!ids.isEmpty()) {
        Long[] read = ids.stream().map(id -> id[0]).toArray(Long[]::new);
        jdbc.update(connection -> {
          var delete = connection.prepareStatement("delete from hub.audit_outbox where id = any(?)");
          delete.setArray(1, connection.createArrayOf("bigint", read));
          return delete;
        });
      }
      return entries.size();
    });
    int count = moved == null ? 0 : moved;
    written.addAndGet(count);
    return count;
  }

  /**
   * The client's Device ({@code Device/<id>}), created the first time it is audited: BALP names a
   * system client as a Device. Anonymous and HL7 v2 senders get none. The Device commits in a
   * transaction of its own: the batch's FHIR transaction resolves its references from the
   * database, and a Device id remembered from a batch that rolled back would name nothing.
   */
  private String deviceOf(String clientId) {
    if (clientId == null || clientId.equals("anonymous") || clientId.equals("token-request")
        || clientId.startsWith("hl7v2:")) {
      return null;
    }
    return devices.get(clientId, key -> ownTransactions.execute(status -> {
      var dao = daos.getResourceDao(Device.class);
      SearchParameterMap byIdentifier = SearchParameterMap.newSynchronous(
          Device.SP_IDENTIFIER, new TokenParam(BalpAuditEvents.CLIENT_ID_SYSTEM, key));
      var found = dao.search(byIdentifier, new SystemRequestDetails()).getResources(0, 1);
      if (!found.isEmpty()) {
        return "Device/" + found.get(0).getIdElement().getIdPart();
      }
      Device device = new Device();
      device.addIdentifier().setSystem(BalpAuditEvents.CLIENT_ID_SYSTEM).setValue(key);
      device.addDeviceName().setName(key).setType(Device.DeviceNameType.USERFRIENDLYNAME);
      device.getType().setText("client of the hub (OAuth 2.0)");
      return "Device/" + dao.create(device, new SystemRequestDetails()).getId().getIdPart();
    }));
  }

  private Head head(LocalDate day) {
    List<Head> last = jdbc.query(
        "select seq, hash from hub.audit_chain where day = ? order by seq desc limit 1",
        (rs, n) -> new Head(rs.getLong(1), rs.getString(2)), Date.valueOf(day));
    return last.isEmpty() ? new Head(0, AuditChain.GENESIS) : last.get(0);
  }

  private void drain() {
    try {
      while (drainOnce() == BATCH) {
        // a full batch: more is waiting
      }
    } catch (RuntimeException e) {
      // the type only: a repository error may quote the values written (names, clinical data)
      log.warn("Audit entries not yet written as AuditEvents ({} {}); retrying", e.getClass().getSimpleName(),
          hapiCode(e));
    }
  }

  /** HAPI's error code (HAPI-nnnn) names the failure without quoting a value. */
  static String hapiCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("HAPI-\\d+").matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group();
      }
    }
    return "";
  }

  @Override
  public void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "audit-chain");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(this::drain, 1000, PAUSE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }
}
