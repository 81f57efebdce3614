package cn.healthcard.hub.server.federation;

import cn.healthcard.hub.federation.peer.ClientAssertions;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads this hub's federation key, or makes one at first start (readable by the hub's user only). */
final class FederationKey {
  private static final Logger log = LoggerFactory.getLogger(FederationKey.class);

  private FederationKey() {}

  static ECKey load(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      try {
        JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
        if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
          throw new IllegalStateException(file + " must hold an EC key with its private part");
        }
        return ec;
      } catch (ParseException e) {
        throw new IllegalStateException(file + " is not a JWK", e);
      }
    }
    ECKey key = ClientAssertions.newKey();
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temporary, key.toJSONString(), StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's protection applies
    }
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    log.info("Federation key made ({}); its public half is served at /federation/jwks.json", key.getKeyID());
    return key;
  }
}
