package cn.healthcard.hub.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The caller of the request being served on this thread. */
public final class Callers {
  /** Header a clinician or operator sends to take an emergency access, with the reason. */
  public static final String BREAK_GLASS_HEADER = "X-Break-Glass-Reason";
  static final int MAX_REASON = 500;

  private Callers() {}

  public static Optional<Caller> current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof CallerAuthentication c) {
      return Optional.of(c.getPrincipal());
    }
    return Optional.empty();
  }

  /**
   * The caller with the break-glass reason of the request applied, when the caller's role may
   * break the glass (clinicians and operators) and the reason says something.
   */
  public static Caller withBreakGlass(Caller caller, String header) {
    if (header == null || header.isBlank()) {
      return caller;
    }
    if (!caller.has(Role.CLINICIAN) && !caller.has(Role.OPERATOR)) {
      return caller;
    }
    String reason = header.strip();
    return caller.withBreakGlass(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
  }
}
