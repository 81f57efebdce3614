package cn.healthcard.hub.routes.insurance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The insurance's files in.
 *
 * <pre>
 * insurance-bank-answer-in   bank answer folder -> applied (once per file, once per line) -> .done/ (or .failed/ + .reason.txt)
 * insurance-roll-in          roll folder -> verified -> report in the roll reports folder -> .done/ (or .failed/ + .reason.txt)
 * </pre>
 *
 * A file is moved to {@code .done} only after it was applied; when the hub cannot apply it now
 * (the database away) it stays where it is and is read again at the next poll; a file the hub
 * refuses goes to {@code .failed} with the reason beside it.
 */
public final class InsuranceFileRoutes extends RouteBuilder {

  static final String MOVE_TO = "HubMoveTo";

  /**
   * @param bankAnswers where the partner bank drops its answer files
   * @param rolls where county offices drop enrolment rolls
   * @param rollReports where the verification reports are written
   */
  public record Settings(Path bankAnswers, Path rolls, Path rollReports) {}

  private final Settings settings;
  private final InsuranceFiles files;

  public InsuranceFileRoutes(Settings settings, InsuranceFiles files) {
    this.settings = settings;
    this.files = files;
  }

  private static String options() {
    // no marker lock files (see BankStatementRoutes); the move target is decided by the processor
    return "?readLock=changed&readLockMarkerFile=false&readLockMinAge=1000&readLockCheckInterval=500"
        + "&move=${header." + MOVE_TO + "}/${file:name}&delay=2000&antExclude=**/*.tmp,**/*.part";
  }

  @Override
  public void configure() throws Exception {
    Files.createDirectories(settings.bankAnswers());
    Files.createDirectories(settings.rolls());
    Files.createDirectories(settings.rollReports());

    from("file:" + settings.bankAnswers() + options())
        .routeId("insurance-bank-answer-in")
        .errorHandler(noErrorHandler())
        .process(exchange -> {
          String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
          try {
            String summary = files.applyBankAnswer(exchange.getIn().getBody(byte[].class), name);
            log.info("Insurance bank answer {} applied: {}", name, summary);
            done(exchange);
          } catch (InsuranceFiles.Refused refused) {
            failed(exchange, settings.bankAnswers(), name, refused);
          } catch (RuntimeException e) {
            notNow(name, e);
            throw e;
          }
        });

    from("file:" + settings.rolls() + options())
        .routeId("insurance-roll-in")
        .errorHandler(noErrorHandler())
        .process(exchange -> {
          String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
          try {
            byte[] report = files.verifyRoll(exchange.getIn().getBody(byte[].class), name);
            Path target = settings.rollReports().resolve(name + ".report.csv");
            Path partial = settings.rollReports().resolve(name + ".report.csv.tmp");
            Files.write(partial, report);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info("Enrolment roll {} verified: report {}", name, target.getFileName());
            done(exchange);
          } catch (InsuranceFiles.Refused refused) {
            failed(exchange, settings.rolls(), name, refused);
          } catch (RuntimeException e) {
            notNow(name, e);
            throw e;
          }
        });
  }

  /** The file stays where it is and is read again; the log names the failure's kind, not its text (it can quote the file). */
  private void notNow(String name, RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    log.warn("Insurance file {} not taken now ({} / {}); it is read again at the next poll", name,
        e.getClass().getSimpleName(), root.getClass().getSimpleName());
  }

  private static void done(Exchange exchange) {
    exchange.getIn().setHeader(MOVE_TO, ".done/" + java.time.LocalDate.now().toString().replace("-", ""));
  }

  private void failed(Exchange exchange, Path folder, String name, InsuranceFiles.Refused refused) throws java.io.IOException {
    Path failed = folder.resolve(".failed");
    Files.createDirectories(failed);
    Files.writeString(failed.resolve(name + ".reason.txt"), "line " + refused.line() + ": " + refused.getMessage() + "\n",
        StandardCharsets.UTF_8);
    exchange.getIn().setHeader(MOVE_TO, ".failed");
    // the reason can quote a field of the file: the log names the line only
    log.warn("Insurance file {} refused at line {}; the reason is beside it in .failed/", name, refused.line());
  }
}
