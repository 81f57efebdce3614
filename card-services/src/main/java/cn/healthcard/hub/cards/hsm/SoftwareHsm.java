package cn.healthcard.hub.cards.hsm;

import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * {@link Hsm} in software on BouncyCastle: keys live in this object's memory and reach the
 * {@link HsmKeyStore} only wrapped.
 *
 * <p>Wrapping: a key-encryption key (KEK) is derived from the configured passphrase with
 * PBKDF2/HMAC-SM3 (16-byte random salt, iteration count fixed when the store is first used; both
 * kept in the store under the alias {@value #KEK_ALIAS} with a check value of the KEK). Every key
 * is stored as {@code 0x01 || nonce(12) || SM4-GCM(KEK, nonce, aad, key)} with
 * {@code aad = kind 0x00 alias 0x00 publicPart}, so an entry cannot be moved to another alias or
 * given another public key unnoticed. A passphrase that does not match the store's check value,
 * or an entry that does not unwrap, fails the constructor: the HSM never starts half-keyed.
 *
 * <p>The three card master keys ({@link CardKeyType}) are created on first start. Every creation
 * (master key or SM2 key pair) is insert-if-absent followed by a re-read, so racing instances end
 * with one key.
 *
 * <p>Card AUTH keys derived for MAC verification are kept in a bounded LRU cache (a terminal
 * verification then costs one SM3 and a few SM4 blocks).
 */
public final class SoftwareHsm implements Hsm {
  /** Alias of the key-encryption-key parameters in the store. */
  public static final String KEK_ALIAS = "$kek";

  /** First byte of every diversification code: the version of the master key set. */
  static final String KEY_SET_VERSION = "01";

  private static final int MIN_PASSPHRASE = 12;
  private static final int MIN_CHALLENGE = 8;
  private static final int MAX_CHALLENGE = 256;
  private static final byte[] KEK_CHECK_LABEL =
      "healthcard-hsm-kek-check".getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();

  /**
   * @param pbkdf2Iterations used only when the store is new; an existing store keeps its own
   * @param cardKeyCacheSize how many cards' AUTH keys to keep for MAC verification (0: none)
   */
  public record Settings(int pbkdf2Iterations, int cardKeyCacheSize) {
    public Settings {
      if (pbkdf2Iterations < 1_000) {
        throw new IllegalArgumentException("PBKDF2 needs at least 1000 iterations");
      }
      if (cardKeyCacheSize < 0) {
        throw new IllegalArgumentException("negative cache size");
      }
    }

    public static Settings defaults() {
      return new Settings(200_000, 20_000);
    }
  }

  private record Sm2Key(String kind, PublicKey publicKey, PrivateKey privateKey) {}

  private final HsmKeyStore store;
  private final SecureRandom random = new SecureRandom();
  private final byte[] kek;
  private final Map<CardKeyType, byte[]> masterKeys = new EnumMap<>(CardKeyType.class);
  private final ConcurrentHashMap<String, Sm2Key> sm2Keys = new ConcurrentHashMap<>();
  private final AuthKeyCache authKeys;

  public SoftwareHsm(HsmKeyStore store, char[] passphrase) {
    this(store, passphrase, Settings.defaults());
  }

  /**
   * Opens (or, on first use, initialises) the key store.
   *
   * @throws HsmException if the passphrase does not open the store or a stored key is altered
   */
  public SoftwareHsm(HsmKeyStore store, char[] passphrase, Settings settings) {
    if (passphrase == null || passphrase.length < MIN_PASSPHRASE) {
      throw new HsmException("the HSM passphrase must have at least " + MIN_PASSPHRASE + " characters");
    }
    this.store = store;
    this.kek = unlock(passphrase, settings.pbkdf2Iterations());
    for (CardKeyType type : CardKeyType.values()) {
      masterKeys.put(type, loadOrCreateMasterKey(type.masterAlias()));
    }
    this.authKeys = new AuthKeyCache(settings.cardKeyCacheSize());
  }

  // ---------------------------------------------------------------- key-encryption key

  private byte[] unlock(char[] passphrase, int iterations) {
    HsmKeyStore.Entry parameters =
        store
            .load(KEK_ALIAS)
            .orElseGet(() -> store.insertIfAbsent(newKekParameters(passphrase, iterations)));
    if (!HsmKeyStore.KEK_PARAMETERS.equals(parameters.kind())) {
      throw new HsmException("the HSM key store holds no key-encryption-key parameters");
    }
    ByteBuffer in = ByteBuffer.wrap(parameters.publicPart());
    if (in.remaining() != 1 + 4 + 16 + 16 || in.get() != 1) {
      throw new HsmException("unknown key-encryption-key parameters");
    }
    int storedIterations = in.getInt();
    byte[] salt = new byte[16];
    in.get(salt);
    byte[] check = new byte[16];
    in.get(check);
    byte[] derived = deriveKek(passphrase, salt, storedIterations);
    if (!Sm4.equal(kekCheck(derived), check)) {
      Arrays.fill(derived, (byte) 0);
      throw new HsmException("the HSM passphrase does not open this key store");
    }
    return derived;
  }

  private HsmKeyStore.Entry newKekParameters(char[] passphrase, int iterations) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] derived = deriveKek(passphrase, salt, iterations);
    ByteBuffer out = ByteBuffer.allocate(1 + 4 + 16 + 16);
    out.put((byte) 1).putInt(iterations).put(salt).put(kekCheck(derived));
    Arrays.fill(derived, (byte) 0);
    return new HsmKeyStore.Entry(KEK_ALIAS, HsmKeyStore.KEK_PARAMETERS, out.array(), new byte[0]);
  }

  private static byte[] deriveKek(char[] passphrase, byte[] salt, int iterations) {
    byte[] password = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(passphrase);
    try {
      PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SM3Digest());
      generator.init(password, salt, iterations);
      return ((KeyParameter) generator.generateDerivedParameters(Sm4.KEY * 8)).getKey();
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  private static byte[] kekCheck(byte[] kek) {
    byte[] input = new byte[KEK_CHECK_LABEL.length + kek.length];
    System.arraycopy(KEK_CHECK_LABEL, 0, input, 0, KEK_CHECK_LABEL.length);
    System.arraycopy(kek, 0, input, KEK_CHECK_LABEL.length, kek.length);
    byte[] digest = Sm2.sm3(input);
    Arrays.fill(input, (byte) 0);
    return Arrays.copyOf(digest, 16);
  }

  private byte[] wrap(String alias, String kind, byte[] publicPart, byte[] secret) {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    byte[] sealed = Sm4.gcmEncrypt(kek, nonce, aad(alias, kind, publicPart), secret);
    return ByteBuffer.allocate(1 + nonce.length + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
  }

  private byte[] unwrap(HsmKeyStore.Entry entry) {
    byte[] wrapped = entry.wrapped();
    if (wrapped == null || wrapped.length < 1 + 12 + 16 || wrapped[0] != 1) {
      throw new HsmException("HSM key " + entry.alias() + " is not a wrapped key");
    }
    try {
      return Sm4.gcmDecrypt(
          kek,
          Arrays.copyOfRange(wrapped, 1, 13),
          aad(entry.alias(), entry.kind(), entry.publicPart()),
          Arrays.copyOfRange(wrapped, 13, wrapped.length));
    } catch (IllegalArgumentException e) {
      throw new HsmException("HSM key " + entry.alias() + " does not unwrap: altered or foreign", e);
    }
  }

  private static byte[] aad(String alias, String kind, byte[] publicPart) {
    byte[] a = alias.getBytes(StandardCharsets.UTF_8);
    byte[] k = kind.getBytes(StandardCharsets.UTF_8);
    byte[] p = publicPart == null ? new byte[0] : publicPart;
    return ByteBuffer.allocate(k.length + 1 + a.length + 1 + p.length)
        .put(k)
        .put((byte) 0)
        .put(a)
        .put((byte) 0)
        .put(p)
        .array();
  }

  // ---------------------------------------------------------------- master keys

  private byte[] loadOrCreateMasterKey(String alias) {
    HsmKeyStore.Entry entry =
        store
            .load(alias)
            .orElseGet(
                () -> {
                  byte[] key = Sm4.randomKey();
                  try {
                    return store.insertIfAbsent(
                        new HsmKeyStore.Entry(
                            alias, HsmKeyStore.MASTER_KEY, null, wrap(alias, HsmKeyStore.MASTER_KEY, null, key)));
                  } finally {
                    Arrays.fill(key, (byte) 0);
                  }
                });
    if (!HsmKeyStore.MASTER_KEY.equals(entry.kind())) {
      throw new HsmException("HSM alias " + alias + " does not hold a master key");
    }
    byte[] key = unwrap(entry);
    if (key.length != Sm4.KEY) {
      throw new HsmException("HSM master key " + alias + " has the wrong length");
    }
    return key;
  }

  // ---------------------------------------------------------------- SM2 key pairs

  @Override
  public PublicKey ensureSigningKey(String alias) {
    return ensureSm2Key(alias, HsmKeyStore.SIGNING_KEY).publicKey();
  }

  @Override
  public PublicKey ensureDecryptionKey(String alias) {
    return ensureSm2Key(alias, HsmKeyStore.DECRYPTION_KEY).publicKey();
  }

  @Override
  public Optional<PublicKey> publicKey(String alias) {
    return findSm2Key(alias).map(Sm2Key::publicKey);
  }

  @Override
  public byte[] sign(String alias, byte[] data) {
    return Sm2.sign(requireSm2Key(alias, HsmKeyStore.SIGNING_KEY).privateKey(), data);
  }

  @Override
  public byte[] decrypt(String alias, byte[] sm2Ciphertext) {
    Sm2Key key = requireSm2Key(alias, HsmKeyStore.DECRYPTION_KEY);
    try {
      return Sm2Cipher.decrypt(key.privateKey(), sm2Ciphertext);
    } catch (IllegalArgumentException e) {
      throw new HsmException("the ciphertext does not decrypt under " + alias, e);
    }
  }

  private Sm2Key ensureSm2Key(String alias, String kind) {
    requireAlias(alias);
    Sm2Key key =
        findSm2Key(alias)
            .orElseGet(
                () -> {
                  KeyPair pair = Sm2.generateKeyPair();
                  byte[] publicPart = pair.getPublic().getEncoded();
                  byte[] privatePart = pair.getPrivate().getEncoded();
                  try {
                    HsmKeyStore.Entry stored =
                        store.insertIfAbsent(
                            new HsmKeyStore.Entry(
                                alias, kind, publicPart, wrap(alias, kind, publicPart, privatePart)));
                    return sm2Keys.computeIfAbsent(alias, ignored -> toSm2Key(stored));
                  } finally {
                    Arrays.fill(privatePart, (byte) 0);
                  }
                });
    if (!key.kind().equals(kind)) {
      throw new HsmException("HSM alias " + alias + " holds a key of kind " + key.kind());
    }
    return key;
  }

  private Sm2Key requireSm2Key(String alias, String kind) {
    Sm2Key key = findSm2Key(alias).orElseThrow(() -> new HsmException("no HSM key " + alias));
    if (!key.kind().equals(kind)) {
      throw new HsmException("HSM key " + alias + " is a " + key.kind() + " key");
    }
    return key;
  }

  private Optional<Sm2Key> findSm2Key(String alias) {
    Sm2Key cached = sm2Keys.get(alias);
    if (cached != null) {
      return Optional.of(cached);
    }
    return store
        .load(alias)
        .filter(entry -> isSm2(entry.kind()))
        .map(entry -> sm2Keys.computeIfAbsent(alias, ignored -> toSm2Key(entry)));
  }

  private static boolean isSm2(String kind) {
    return HsmKeyStore.SIGNING_KEY.equals(kind) || HsmKeyStore.DECRYPTION_KEY.equals(kind);
  }

  private Sm2Key toSm2Key(HsmKeyStore.Entry entry) {
    if (!isSm2(entry.kind())) {
      throw new HsmException("HSM alias " + entry.alias() + " does not hold an SM2 key pair");
    }
    byte[] privatePart = unwrap(entry);
    try {
      PublicKey publicKey =
          KeyFactory.getInstance("EC", Sm2.PROVIDER)
              .generatePublic(new X509EncodedKeySpec(entry.publicPart()));
      return new Sm2Key(entry.kind(), publicKey, Sm2.decodePrivateKey(privatePart));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new HsmException("HSM key " + entry.alias() + " does not decode", e);
    } finally {
      Arrays.fill(privatePart, (byte) 0);
    }
  }

  private static void requireAlias(String alias) {
    if (alias == null || alias.isBlank() || alias.length() > 128 || alias.startsWith("$")) {
      throw new HsmException("invalid HSM alias");
    }
  }

  // ---------------------------------------------------------------- card keys

  @Override
  public String diversificationCode(String cardNumber, String chipSerial) {
    return code(diversificationData(cardNumber, chipSerial));
  }

  @Override
  public WrappedCardKeys exportCardKeys(
      String cardNumber, String chipSerial, PublicKey recipient, CardCredentials credentials) {
    if (recipient == null) {
      throw new IllegalArgumentException("no recipient for the card keys");
    }
    byte[] data = diversificationData(cardNumber, chipSerial);
    String code = code(data);
    Map<CardKeyType, byte[]> keys = new EnumMap<>(CardKeyType.class);
    byte[] plaintext = null;
    byte[] sessionKey = Sm4.randomKey();
    try {
      for (CardKeyType type : CardKeyType.values()) {
        keys.put(type, derive(type, data));
      }
      CardKeyPackage cardPackage =
          new CardKeyPackage(
              code,
              keys,
              credentials == null ? null : credentials.privateKeyPkcs8(),
              credentials == null ? null : credentials.certificateDer());
      plaintext = cardPackage.encode();
      byte[] iv = Sm4.randomIv();
      byte[] encryptedKeys = Sm4.cbcEncrypt(sessionKey, iv, plaintext);
      byte[] encryptedSessionKey = Sm2Cipher.encrypt(recipient, sessionKey);
      return new WrappedCardKeys(code, encryptedSessionKey, iv, encryptedKeys, cardPackage.checkValues());
    } finally {
      keys.values().forEach(key -> Arrays.fill(key, (byte) 0));
      Arrays.fill(sessionKey, (byte) 0);
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  @Override
  public boolean verifyCardMac(String cardNumber, String chipSerial, byte[] challenge, byte[] mac) {
    if (challenge == null
        || mac == null
        || mac.length != Sm4.BLOCK
        || challenge.length < MIN_CHALLENGE
        || challenge.length > MAX_CHALLENGE
        || blank(cardNumber)
        || blank(chipSerial)) {
      return false;
    }
    byte[] data = diversificationData(cardNumber, chipSerial);
    String code = code(data);
    byte[] authKey = authKeys.get(code);
    if (authKey == null) {
      authKey = derive(CardKeyType.AUTH, data);
      authKeys.put(code, authKey);
    }
    return Sm4.equal(Sm4.cbcMac(authKey, challenge), mac);
  }

  private byte[] derive(CardKeyType type, byte[] diversificationData) {
    return Sm4.encryptBlock(masterKeys.get(type), diversificationData);
  }

  /** D = the first 16 bytes of SM3(cardNumber || chipSerial), both trimmed and upper-cased. */
  static byte[] diversificationData(String cardNumber, String chipSerial) {
    if (blank(cardNumber) || blank(chipSerial)) {
      throw new IllegalArgumentException("a card number and a chip serial are required");
    }
    String input = normalize(cardNumber) + normalize(chipSerial);
    return Arrays.copyOf(Sm2.sm3(input.getBytes(StandardCharsets.UTF_8)), 16);
  }

  private static String code(byte[] diversificationData) {
    return KEY_SET_VERSION + HEX.formatHex(diversificationData);
  }

  private static String normalize(String value) {
    return value.trim().toUpperCase(Locale.ROOT);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** A small synchronised LRU of derived card AUTH keys, by diversification code. */
  private static final class AuthKeyCache {
    private final int capacity;
    private final LinkedHashMap<String, byte[]> entries;

    AuthKeyCache(int capacity) {
      this.capacity = capacity;
      this.entries =
          new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
              // not wiped: a concurrent verification may still be using it
              return size() > AuthKeyCache.this.capacity;
            }
          };
    }

    synchronized byte[] get(String code) {
      return entries.get(code);
    }

    synchronized void put(String code, byte[] key) {
      if (capacity > 0) {
        entries.putIfAbsent(code, key);
      }
    }
  }
}
