package cn.healthcard.hub.security;

import java.util.stream.Collectors;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated request: the {@link Caller} the access token names; authorities are its roles. */
public final class CallerAuthentication extends AbstractAuthenticationToken {
  private final Caller caller;
  private final String token;

  public CallerAuthentication(Caller caller, String token) {
    super(caller.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.code()))
        .collect(Collectors.toList()));
    this.caller = caller;
    this.token = token;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return token;
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.clientId();
  }
}
