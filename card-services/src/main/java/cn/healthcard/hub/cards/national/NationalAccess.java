package cn.healthcard.hub.cards.national;

import java.io.IOException;
import java.util.Optional;

/**
 * How the hub proves itself to the national system besides its signatures: the bearer token of
 * the provinces' trust framework (SMART Backend Services client credentials, the same as between
 * peer hubs), or nothing where the national side asks for signatures only. The application
 * implements it.
 */
public interface NationalAccess {

  /** Signatures only. */
  NationalAccess SIGNATURES_ONLY = new NationalAccess() {
    @Override
    public Optional<String> bearer() {
      return Optional.empty();
    }

    @Override
    public void refused() {}
  };

  /**
   * A current access token, fetched when there is none or it is about to end.
   *
   * @throws IOException the token endpoint could not be reached or refused (the message says
   *     which, quoting nothing it answered)
   */
  Optional<String> bearer() throws IOException;

  /** The national system refused the last token: the next request fetches a new one. */
  void refused();
}
