package cn.healthcard.hub.insurance.enrolment;

import cn.healthcard.hub.insurance.adjudication.Reason;
import cn.healthcard.hub.insurance.scheme.Scheme;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Enrolment of households in a county's scheme ({@code hub.insurance_enrolment}) and their premiums
 * ({@code hub.insurance_premium}). The household's head pays one premium for the members enrolled
 * together; paying it makes each member's enrolment active. Runs inside the caller's transaction.
 */
public class Enrolments {

  /** The province's day: a premium paid at 23:30 in Shenyang is paid that day. */
  public static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final String COLUMNS = "id, county, year, household, card_number, patient, head, kind, status,"
      + " premium_id, covered_from, coverage";

  private final JdbcClient jdbc;
  private final Clock clock;

  public Enrolments(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A member of the household to enrol. */
  public record Member(String cardNumber, String patient, boolean head) {}

  /** What an enrolment act made: the premium to pay and each member's enrolment. */
  public record Enrolled(Premium premium, List<Enrolment> enrolments) {}

  /**
   * Enrols the members (the head among them or already enrolled) for the scheme's year.
   *
   * @throws EnrolmentRefused outside the enrolment window (unless newborn or migrant), or for a
   *     member already enrolled for the year
   */
  public Enrolled enrol(Scheme scheme, String household, List<Member> members, EnrolmentKind kind, String actor) {
    LocalDate today = LocalDate.now(clock.withZone(CHINA));
    if (kind == EnrolmentKind.REGULAR && (today.isBefore(scheme.enrolmentFrom()) || today.isAfter(scheme.enrolmentTo()))) {
      throw new EnrolmentRefused("year", "enrolment for " + scheme.county() + " " + scheme.year() + " is open from "
          + scheme.enrolmentFrom() + " to " + scheme.enrolmentTo() + "; outside it only newborns and migrants enrol");
    }
    if (today.isAfter(scheme.lastDay())) {
      throw new EnrolmentRefused("year", "the scheme year " + scheme.year() + " is over");
    }
    if (members.isEmpty()) {
      throw new EnrolmentRefused("member", "no member to enrol");
    }
    for (Member m : members) {
      Optional<Enrolment> held = holding(m.cardNumber(), scheme.year());
      if (held.isPresent()) {
        throw new EnrolmentRefused("member", "household member " + m.patient() + " is already enrolled for "
            + scheme.year() + " (county " + held.get().county() + ", " + held.get().status().code() + ")");
      }
    }
    Instant now = clock.instant();
    LocalDate due = kind == EnrolmentKind.REGULAR ? scheme.enrolmentTo() : today;
    String premiumId = cn.healthcard.hub.insurance.RandomIds.next("PR", 10);
    long amount = scheme.contributionFen() * members.size();
    jdbc.sql("insert into hub.insurance_premium (id, household, county, year, amount_fen, status, due_on, created_at)"
            + " values (?, ?, ?, ?, ?, 'due', ?, ?)")
        .param(premiumId).param(household).param(scheme.county()).param(scheme.year()).param(amount)
        .param(due).param(Timestamp.from(now)).update();
    List<Enrolment> made = new ArrayList<>();
    for (Member m : members) {
      String id = cn.healthcard.hub.insurance.RandomIds.next("EN", 10);
      try {
        jdbc.sql("insert into hub.insurance_enrolment (id, county, year, household, card_number, patient, head, kind,"
                + " status, premium_id, enrolled_at, enrolled_by) values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)")
            .param(id).param(scheme.county()).param(scheme.year()).param(household).param(m.cardNumber())
            .param(m.patient()).param(m.head()).param(kind.code()).param(premiumId).param(Timestamp.from(now))
            .param(actor).update();
      } catch (DuplicateKeyException e) {
        // enrolled elsewhere between the check and now
        throw new EnrolmentRefused("member", "household member " + m.patient() + " is already enrolled for " + scheme.year());
      }
      made.add(byId(id).orElseThrow());
    }
    return new Enrolled(premium(premiumId).orElseThrow(), made);
  }

  /**
   * The premium is paid: its enrolments become active, covered from the scheme year's first day,
   * or (paid late) after the waiting period; newborns are covered from the day paid. Paying a
   * premium twice changes nothing.
   *
   * @return the enrolments made active now (empty when it was paid before)
   * @throws IllegalStateException for a lapsed premium (the household enrols again)
   */
  public List<Enrolment> premiumPaid(Scheme scheme, String premiumId, Instant paidAt, String paidBy) {
    Premium premium = jdbc.sql("select " + PREMIUM_COLUMNS + " from hub.insurance_premium where id = ? for update")
        .param(premiumId).query(Enrolments::premiumRow).optional()
        .orElseThrow(() -> new IllegalArgumentException("no premium " + premiumId));
    if ("paid".equals(premium.status())) {
      return List.of();
    }
    if (!"due".equals(premium.status())) {
      throw new IllegalStateException("premium " + premiumId + " lapsed: the household enrols again");
    }
    jdbc.sql("update hub.insurance_premium set status = 'paid', paid_at = ?, paid_by = ? where id = ?")
        .param(Timestamp.from(paidAt)).param(paidBy).param(premiumId).update();
    LocalDate paidDay = LocalDate.ofInstant(paidAt, CHINA);
    List<Enrolment> activated = new ArrayList<>();
    for (Enrolment e : byPremium(premiumId)) {
      if (e.status() != EnrolmentStatus.PENDING) {
        // a member who died or left before the money came stays as they are
        continue;
      }
      EnrolmentStatus next = e.status().next(EnrolmentStatus.Event.PREMIUM_PAID);
      LocalDate from;
      if (e.kind() == EnrolmentKind.NEWBORN) {
        from = paidDay.isBefore(scheme.firstDay()) ? scheme.firstDay() : paidDay;
      } else if (paidDay.isBefore(scheme.firstDay())) {
        from = scheme.firstDay();
      } else {
        from = paidDay.plusDays(1 + (long) scheme.rules().waitingPeriodDays());
      }
      jdbc.sql("update hub.insurance_enrolment set status = ?, covered_from = ? where id = ?")
          .param(next.code()).param(from).param(e.id()).update();
      activated.add(byId(e.id()).orElseThrow());
    }
    return activated;
  }

  /**
   * A scheme's premiums unpaid past their due date and its grace period lapse, and their pending
   * enrolments with them; a premium the partner bank has been asked to deduct waits for its answer.
   */
  public List<Enrolment> lapseOverdue(Scheme scheme, LocalDate today) {
    List<String> premiums = jdbc.sql("update hub.insurance_premium p set status = 'lapsed' where p.status = 'due'"
            + " and p.county = ? and p.year = ? and p.due_on + ? < ? and not exists (select 1 from"
            + " hub.insurance_bank_line l where l.reference = p.id and l.status = 'sent') returning p.id")
        .param(scheme.county()).param(scheme.year()).param(scheme.premiumGraceDays()).param(today)
        .query(String.class).list();
    List<Enrolment> lapsed = new ArrayList<>();
    for (String premium : premiums) {
      for (Enrolment e : byPremium(premium)) {
        if (e.status() == EnrolmentStatus.PENDING) {
          jdbc.sql("update hub.insurance_enrolment set status = ? where id = ?")
              .param(e.status().next(EnrolmentStatus.Event.PREMIUM_LAPSED).code()).param(e.id()).update();
          lapsed.add(byId(e.id()).orElseThrow());
        }
      }
    }
    return lapsed;
  }

  /** Ends a person's live enrolments (death, emigration). */
  public List<Enrolment> cancel(String cardNumber) {
    List<Enrolment> cancelled = new ArrayList<>();
    for (Enrolment e : jdbc.sql("select " + COLUMNS + " from hub.insurance_enrolment where card_number = ?"
        + " and status in ('pending', 'active') for update").param(cardNumber).query(Enrolments::row).list()) {
      jdbc.sql("update hub.insurance_enrolment set status = ? where id = ?")
          .param(e.status().next(EnrolmentStatus.Event.CANCEL).code()).param(e.id()).update();
      cancelled.add(byId(e.id()).orElseThrow());
    }
    return cancelled;
  }

  public void recordCoverage(String enrolmentId, String coverage) {
    jdbc.sql("update hub.insurance_enrolment set coverage = ? where id = ?").param(coverage).param(enrolmentId).update();
  }

  public void recordInvoice(String premiumId, String invoice) {
    jdbc.sql("update hub.insurance_premium set invoice = ? where id = ?").param(invoice).param(premiumId).update();
  }

  /** The person's enrolment holding the year (pending or active), if any. */
  public Optional<Enrolment> holding(String cardNumber, int year) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_enrolment where card_number = ? and year = ?"
            + " and status in ('pending', 'active')")
        .param(cardNumber).param(year).query(Enrolments::row).optional();
  }

  /**
   * Why the fund would not pay for care of this person on this day, if it would not: not
   * enrolled, premium unpaid, or within the waiting period.
   */
  public Optional<Reason> refusal(Optional<Enrolment> enrolment, LocalDate day) {
    if (enrolment.isEmpty()) {
      return Optional.of(Reason.NOT_ENROLLED);
    }
    Enrolment e = enrolment.get();
    if (e.status() == EnrolmentStatus.PENDING) {
      return Optional.of(Reason.PREMIUM_UNPAID);
    }
    if (e.status() != EnrolmentStatus.ACTIVE) {
      return Optional.of(Reason.NOT_ENROLLED);
    }
    if (e.coveredFrom().isPresent() && day.isBefore(e.coveredFrom().get())) {
      return Optional.of(Reason.WAITING_PERIOD);
    }
    return Optional.empty();
  }

  public Optional<Enrolment> byId(String id) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_enrolment where id = ?").param(id)
        .query(Enrolments::row).optional();
  }

  public List<Enrolment> byPremium(String premiumId) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_enrolment where premium_id = ? order by head desc, id")
        .param(premiumId).query(Enrolments::row).list();
  }

  private static final String PREMIUM_COLUMNS = "id, household, county, year, amount_fen, status, due_on, paid_at, invoice";

  public Optional<Premium> premium(String id) {
    return jdbc.sql("select " + PREMIUM_COLUMNS + " from hub.insurance_premium where id = ?").param(id)
        .query(Enrolments::premiumRow).optional();
  }

  /** The premium an Invoice resource stands for. */
  public Optional<Premium> premiumByInvoice(String invoice) {
    return jdbc.sql("select " + PREMIUM_COLUMNS + " from hub.insurance_premium where invoice = ?").param(invoice)
        .query(Enrolments::premiumRow).optional();
  }

  private static Premium premiumRow(ResultSet rs, int n) throws SQLException {
    Timestamp paid = rs.getTimestamp("paid_at");
    return new Premium(rs.getString("id"), rs.getString("household"), rs.getString("county"), rs.getInt("year"),
        rs.getLong("amount_fen"), rs.getString("status"), rs.getObject("due_on", LocalDate.class),
        Optional.ofNullable(paid).map(Timestamp::toInstant), Optional.ofNullable(rs.getString("invoice")));
  }

  private static Enrolment row(ResultSet rs, int n) throws SQLException {
    return new Enrolment(rs.getString("id"), rs.getString("county"), rs.getInt("year"), rs.getString("household"),
        rs.getString("card_number"), rs.getString("patient"), rs.getBoolean("head"),
        EnrolmentKind.fromCode(rs.getString("kind")).orElseThrow(), EnrolmentStatus.fromCode(rs.getString("status")),
        rs.getString("premium_id"), Optional.ofNullable(rs.getObject("covered_from", LocalDate.class)),
        Optional.ofNullable(rs.getString("coverage")));
  }

}
