package cn.healthcard.hub.mappings.bank;

import cn.healthcard.hub.mappings.bank.BankStatement.Charge;
import cn.healthcard.hub.mappings.bank.BankStatement.Entry;
import cn.healthcard.hub.mappings.bank.BankStatement.EntryStatus;
import cn.healthcard.hub.mappings.bank.BankStatement.Transaction;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * ISO 20022 {@code camt.053} (BankToCustomerStatement), versions 001.02 to 001.13, read with the
 * JDK's StAX (no DTDs, no external entities). Elements are found by local name, so each version's
 * namespace is taken; where versions differ ({@code Sts} as a code or a {@code Cd} element) both
 * are read. Every statement's balances are checked: opening booked balance plus the booked
 * entries must be the closing booked balance. Only the first {@code Stmt} is one statement; a
 * file with several is read as several.
 */
public final class Camt053Reader {

  private Camt053Reader() {}

  /** An element with its line, text and children: enough of a tree to read a statement. */
  private record Node(String name, int line, String text, java.util.Map<String, String> attributes, List<Node> children) {

    Optional<Node> child(String name) {
      return children.stream().filter(c -> c.name.equals(name)).findFirst();
    }

    List<Node> all(String name) {
      return children.stream().filter(c -> c.name.equals(name)).toList();
    }

    /** The text at a path of child names, when every step is there. */
    Optional<String> text(String... path) {
      Node at = this;
      for (String step : path) {
        Optional<Node> next = at.child(step);
        if (next.isEmpty()) {
          return Optional.empty();
        }
        at = next.get();
      }
      return Optional.of(at.text.strip()).filter(t -> !t.isEmpty());
    }

    Node node(String name) {
      return child(name).orElseThrow(() -> new MalformedStatement(line, this.name + " has no " + name));
    }

    String required(String what, String... path) {
      return text(path).orElseThrow(() -> new MalformedStatement(line, name + " has no " + what + " (" + String.join("/", path) + ")"));
    }
  }

  /** An element being read. */
  private static final class Open {
    final String name;
    final int line;
    final java.util.Map<String, String> attributes;
    final StringBuilder text = new StringBuilder();
    final List<Node> children = new ArrayList<>();

    Open(String name, int line, java.util.Map<String, String> attributes) {
      this.name = name;
      this.line = line;
      this.attributes = attributes;
    }

    Node close() {
      return new Node(name, line, text.toString(), java.util.Map.copyOf(attributes), List.copyOf(children));
    }
  }

  public static List<BankStatement> read(byte[] file) {
    Node document = parse(file);
    if (!document.name.equals("Document")) {
      throw new MalformedStatement(document.line, "the root element is " + document.name + ", not Document");
    }
    Node message = document.child("BkToCstmrStmt").orElseThrow(() ->
        new MalformedStatement(document.line, "Document holds no BkToCstmrStmt: not a camt.053 statement"));
    Optional<OffsetDateTime> sent = message.text("GrpHdr", "CreDtTm").map(t -> dateTime(t, message.child("GrpHdr").orElseThrow().line));
    List<Node> statements = message.all("Stmt");
    if (statements.isEmpty()) {
      throw new MalformedStatement(message.line, "BkToCstmrStmt holds no Stmt");
    }
    List<BankStatement> read = new ArrayList<>();
    for (Node stmt : statements) {
      read.add(statement(stmt, sent));
    }
    return read;
  }

  private static BankStatement statement(Node stmt, Optional<OffsetDateTime> sent) {
    String id = stmt.required("an Id", "Id");
    Node acct = stmt.child("Acct").orElseThrow(() -> new MalformedStatement(stmt.line, "Stmt has no Acct"));
    String account = acct.text("Id", "IBAN").or(() -> acct.text("Id", "Othr", "Id"))
        .orElseThrow(() -> new MalformedStatement(acct.line, "Acct has no Id/IBAN or Id/Othr/Id"));
    Optional<String> servicer = acct.text("Svcr", "FinInstnId", "BICFI").or(() -> acct.text("Svcr", "FinInstnId", "BIC"));
    Optional<OffsetDateTime> created = stmt.text("CreDtTm").map(t -> dateTime(t, stmt.line)).or(() -> sent);
    Optional<LocalDate> from = stmt.text("FrToDt", "FrDtTm").map(t -> dateTime(t, stmt.line).toLocalDate());
    Optional<LocalDate> to = stmt.text("FrToDt", "ToDtTm").map(t -> dateTime(t, stmt.line).toLocalDate());
    List<Entry> entries = new ArrayList<>();
    for (Node ntry : stmt.all("Ntry")) {
      entries.add(entry(ntry));
    }
    checkBalances(stmt, entries);
    return new BankStatement("camt.053", id, account, servicer, created, from, to, entries);
  }

  private static Entry entry(Node ntry) {
    Node amt = ntry.child("Amt").orElseThrow(() -> new MalformedStatement(ntry.line, "Ntry has no Amt"));
    BigDecimal amount = signed(amount(amt), ntry.node("CdtDbtInd"));
    String currency = Optional.ofNullable(amt.attributes.get("Ccy"))
        .orElseThrow(() -> new MalformedStatement(amt.line, "Amt has no Ccy"));
    String code = ntry.text("Sts", "Cd").or(() -> ntry.text("Sts"))
        .orElseThrow(() -> new MalformedStatement(ntry.line, "Ntry has no Sts"));
    EntryStatus status = switch (code) {
      case "BOOK" -> EntryStatus.BOOKED;
      case "PDNG", "FUTR" -> EntryStatus.PENDING;
      case "INFO" -> EntryStatus.INFORMATION;
      default -> throw new MalformedStatement(ntry.line, "Sts " + code + " is not BOOK, PDNG, FUTR or INFO");
    };
    Optional<LocalDate> booked = ntry.text("BookgDt", "Dt").map(t -> date(t, ntry.line))
        .or(() -> ntry.text("BookgDt", "DtTm").map(t -> dateTime(t, ntry.line).toLocalDate()));
    if (status == EntryStatus.BOOKED && booked.isEmpty()) {
      throw new MalformedStatement(ntry.line, "a booked Ntry has no BookgDt");
    }
    boolean reversal = ntry.text("RvslInd").map(Boolean::parseBoolean).orElse(false);
    Optional<LocalDate> valueDate = ntry.text("ValDt", "Dt").map(t -> date(t, ntry.line));
    List<Transaction> transactions = new ArrayList<>();
    for (Node details : ntry.all("NtryDtls")) {
      for (Node tx : details.all("TxDtls")) {
        BigDecimal txAmount = tx.child("Amt").or(() -> tx.child("AmtDtls").flatMap(d -> d.child("TxAmt")).flatMap(t -> t.child("Amt")))
            .map(a -> signed(amount(a), tx.child("CdtDbtInd").orElseGet(() -> ntry.node("CdtDbtInd"))))
            .orElseGet(() -> entriesOnlyAmount(ntry, details, amount));
        Optional<String> remittance = tx.child("RmtInf").flatMap(r -> r.text("Strd", "CdtrRefInf", "Ref").or(() -> r.text("Ustrd")));
        transactions.add(new Transaction(tx.text("Refs", "EndToEndId").filter(e -> !e.equals("NOTPROVIDED")), txAmount,
            remittance, valueDate));
      }
    }
    List<Charge> charges = new ArrayList<>();
    ntry.child("Chrgs").ifPresent(chrgs -> {
      List<Node> records = chrgs.all("Rcrd");
      if (records.isEmpty()) {
        chrgs.child("TtlChrgsAndTaxAmt").ifPresent(total -> charges.add(new Charge(amount(total).negate(), Optional.empty())));
      }
      for (Node rcrd : records) {
        Node charge = rcrd.child("Amt").orElseThrow(() -> new MalformedStatement(rcrd.line, "a charge record has no Amt"));
        // a charge is taken from the account unless the record says it is a credit
        BigDecimal value = rcrd.child("CdtDbtInd").map(i -> signed(amount(charge), i)).orElseGet(() -> amount(charge).negate());
        charges.add(new Charge(value, rcrd.text("Tp", "Cd").or(() -> rcrd.text("Tp", "Prtry", "Id"))));
      }
    });
    return new Entry(ntry.line, status, amount, currency, booked, ntry.text("AcctSvcrRef"), reversal, transactions, charges);
  }

  /** A single transaction without its own amount is the whole entry; in a batch, each needs one. */
  private static BigDecimal entriesOnlyAmount(Node ntry, Node details, BigDecimal entryAmount) {
    if (details.all("TxDtls").size() == 1) {
      return entryAmount;
    }
    throw new MalformedStatement(ntry.line, "a batch entry's TxDtls has no Amt");
  }

  /** Opening booked (OPBD, or PRCD) plus booked entries = closing booked (CLBD), when both are stated. */
  private static void checkBalances(Node stmt, List<Entry> entries) {
    Optional<Node> opening = balance(stmt, "OPBD").or(() -> balance(stmt, "PRCD"));
    Optional<Node> closing = balance(stmt, "CLBD");
    if (opening.isEmpty() || closing.isEmpty()) {
      return;
    }
    BigDecimal open = balanceAmount(opening.get());
    BigDecimal close = balanceAmount(closing.get());
    BigDecimal booked = entries.stream().filter(e -> e.status() == EntryStatus.BOOKED).map(Entry::amount)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    if (open.add(booked).compareTo(close) != 0) {
      throw new MalformedStatement(closing.get().line, "the closing balance " + close.toPlainString()
          + " is not the opening balance " + open.toPlainString() + " plus the booked entries " + booked.toPlainString()
          + " (an entry is missing or altered)");
    }
  }

  private static Optional<Node> balance(Node stmt, String code) {
    return stmt.all("Bal").stream().filter(b -> b.text("Tp", "CdOrPrtry", "Cd").equals(Optional.of(code))).findFirst();
  }

  private static BigDecimal balanceAmount(Node bal) {
    Node amt = bal.child("Amt").orElseThrow(() -> new MalformedStatement(bal.line, "Bal has no Amt"));
    return signed(amount(amt), bal.node("CdtDbtInd"));
  }

  private static BigDecimal amount(Node amt) {
    try {
      BigDecimal value = new BigDecimal(amt.text.strip());
      if (value.signum() < 0) {
        throw new MalformedStatement(amt.line, "an amount is never negative in camt.053 (the sign is CdtDbtInd)");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new MalformedStatement(amt.line, amt.name + " " + amt.text.strip() + " is not a decimal amount");
    }
  }

  private static BigDecimal signed(BigDecimal amount, Node indicator) {
    String code = indicator.text.strip();
    return switch (code) {
      case "CRDT" -> amount;
      case "DBIT" -> amount.negate();
      default -> throw new MalformedStatement(indicator.line, "CdtDbtInd " + code + " is not CRDT or DBIT");
    };
  }

  private static LocalDate date(String text, int line) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new MalformedStatement(line, text + " is not a date (YYYY-MM-DD)");
    }
  }

  /** ISO date-time, with or without an offset (without one, China time is meant). */
  private static OffsetDateTime dateTime(String text, int line) {
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDateTime.parse(text).atOffset(ZoneOffset.ofHours(8));
      } catch (DateTimeParseException again) {
        throw new MalformedStatement(line, text + " is not a date-time");
      }
    }
  }

  private static Node parse(byte[] file) {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    XMLStreamReader xml = null;
    try {
      xml = factory.createXMLStreamReader(new ByteArrayInputStream(file));
      java.util.Deque<Open> open = new java.util.ArrayDeque<>();
      Node root = null;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          java.util.Map<String, String> attributes = new java.util.HashMap<>();
          for (int i = 0; i < xml.getAttributeCount(); i++) {
            attributes.put(xml.getAttributeLocalName(i), xml.getAttributeValue(i));
          }
          open.push(new Open(xml.getLocalName(), xml.getLocation().getLineNumber(), attributes));
        } else if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) && !open.isEmpty()) {
          open.peek().text.append(xml.getText());
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          Node node = open.pop().close();
          if (open.isEmpty()) {
            root = node;
          } else {
            open.peek().children.add(node);
          }
        }
      }
      if (root == null) {
        throw new MalformedStatement(0, "the file holds no XML element");
      }
      return root;
    } catch (XMLStreamException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
      String reason = String.valueOf(e.getMessage());
      // the JDK's parser and Woodstox word it differently: the first line, without the position
      int detail = reason.indexOf("Message: ");
      reason = detail >= 0 ? reason.substring(detail + 9) : reason;
      reason = reason.contains("\n") ? reason.substring(0, reason.indexOf('\n')).strip() : reason.strip();
      throw new MalformedStatement(Math.max(line, 0), "not well-formed XML: " + reason);
    } finally {
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException ignored) {
          // closing a reader over bytes in memory
        }
      }
    }
  }
}
