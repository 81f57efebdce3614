package cn.healthcard.hub.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * SMART v2 scopes ({@code system/Observation.rs}, {@code user/*.cruds}, {@code patient/*.rs};
 * v1 {@code .read}/{@code .write}/{@code .*} are read as {@code rs}/{@code cud}/{@code cruds}).
 * Scopes with a query part ({@code ?category=...}) grant nothing here: the hub does not narrow by
 * them, so it does not pretend to.
 */
public final class SmartScopes {
  private SmartScopes() {}

  /** c create, r read, u update, d delete, s search. */
  public enum Interaction { CREATE, READ, UPDATE, DELETE, SEARCH }

  /** The scopes a client holding these roles may ask for. */
  public static Set<String> defaultsFor(Collection<Role> roles) {
    Set<String> scopes = new LinkedHashSet<>();
    for (Role role : roles) {
      switch (role) {
        case HOSPITAL -> scopes.add("system/*.cruds");
        case CLINICIAN -> scopes.add("user/*.rs");
        case PUBLIC_HEALTH, PEER_HUB, OPERATOR, INSURER -> scopes.add("system/*.rs");
        case CARD_ISSUER -> scopes.add("system/Patient.rs");
        case PAYMENT_CHANNEL -> scopes.add("system/PaymentNotice.cru");
        case RESIDENT -> scopes.add("patient/*.rs");
      }
    }
    return scopes;
  }

  /** Whether any of the scopes allows the interaction on the resource type. */
  public static boolean permits(Collection<String> scopes, String resourceType, Interaction interaction) {
    for (String scope : scopes) {
      if (grants(scope).contains(interaction) && coversType(scope, resourceType)) {
        return true;
      }
    }
    return false;
  }

  static boolean coversType(String scope, String resourceType) {
    int slash = scope.indexOf('/');
    int dot = scope.lastIndexOf('.');
    if (slash < 0 || dot < slash) {
      return false;
    }
    String type = scope.substring(slash + 1, dot);
    return type.equals("*") || type.equals(resourceType);
  }

  static Set<Interaction> grants(String scope) {
    Set<Interaction> out = EnumSet.noneOf(Interaction.class);
    int dot = scope.lastIndexOf('.');
    if (dot < 0 || scope.indexOf('?') >= 0) {
      return out;
    }
    String permissions = scope.substring(dot + 1);
    switch (permissions) {
      case "read" -> { out.add(Interaction.READ); out.add(Interaction.SEARCH); return out; }
      case "write" -> {
        out.add(Interaction.CREATE); out.add(Interaction.UPDATE); out.add(Interaction.DELETE); return out;
      }
      case "*" -> { return EnumSet.allOf(Interaction.class); }
      default -> { }
    }
    String order = "cruds";
    int last = -1;
    for (char c : permissions.toCharArray()) {
      int at = order.indexOf(c);
      if (at <= last) {
        return EnumSet.noneOf(Interaction.class);
      }
      last = at;
      out.add(switch (c) {
        case 'c' -> Interaction.CREATE;
        case 'r' -> Interaction.READ;
        case 'u' -> Interaction.UPDATE;
        case 'd' -> Interaction.DELETE;
        default -> Interaction.SEARCH;
      });
    }
    return out;
  }
}
