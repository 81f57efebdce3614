package cn.healthcard.hub.mappings.hl7v2.parse;

import ca.uhn.hl7v2.AbstractHL7Exception;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Location;
import ca.uhn.hl7v2.model.GenericSegment;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.ModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.parser.UnexpectedSegmentBehaviourEnum;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses message text with HAPI HL7v2 into v2.5.1 structures ({@link CanonicalModelClassFactory}
 * "2.5.1"), whatever version the message says, without HAPI's validation (the hub checks what
 * it needs itself and reports it with a location). Unknown segments (Z-segments) are kept
 * inline; an OBX-2 HAPI does not know is read as ST (the mapping then reports it).
 * Thread-safe.
 */
public final class Hl7v2Parser {

  private final PipeParser parser;
  private final CanonicalModelClassFactory factory = new CanonicalModelClassFactory("2.5.1");

  public Hl7v2Parser() {
    HapiContext context = new DefaultHapiContext();
    context.setModelClassFactory(factory);
    context.setValidationContext(ValidationContextFactory.noValidation());
    ParserConfiguration config = context.getParserConfiguration();
    config.setValidating(false);
    config.setUnexpectedSegmentBehaviour(UnexpectedSegmentBehaviourEnum.ADD_INLINE);
    config.setInvalidObx2Type("ST");
    config.setDefaultObx2Type("ST");
    config.setAllowUnknownVersions(true);
    this.parser = context.getPipeParser();
  }

  /** A parse failure: an AE with the location HAPI gave, if any. */
  public static final class ParseFailure extends Exception {
    private final transient Hl7Error error;

    ParseFailure(Hl7Error error) {
      super(error.userMessage(), null, false, false);
      this.error = error;
    }

    public Hl7Error error() {
      return error;
    }
  }

  /**
   * The text as HAPI wants it: starting at MSH, segments ended by CR (CRLF and LF are accepted
   * on the wire), no blank segments, no trailing MLLP bytes.
   */
  public static String normalize(String text) {
    String t = text.substring(RawHeader.skipLeadingJunk(text));
    StringBuilder sb = new StringBuilder(t.length() + 2);
    for (String line : t.split("\r\n|\r|\n")) {
      String seg = stripTrailingControl(line);
      if (!seg.isBlank()) {
        sb.append(seg).append('\r');
      }
    }
    return sb.toString();
  }

  private static String stripTrailingControl(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == 0x1c || line.charAt(end - 1) == 0x0b)) {
      end--;
    }
    return line.substring(0, end);
  }

  /** Parses normalised text into the given structure. */
  public ParsedMessage parse(String normalized, String type, String trigger, Delimiters delimiters)
      throws ParseFailure {
    Message message = SupportedMessages.newMessage(type, trigger)
        .orElseThrow(() -> new ParseFailure(Hl7Error.reject(
            ErrorCode.UNSUPPORTED_EVENT_CODE, ErrorLocation.component("MSH", 1, 9, 1, 2),
            "the hub does not accept this trigger event for this message type")));
    try {
      message.setParser(parser);
      parser.parse(message, normalized);
    } catch (AbstractHL7Exception e) {
      throw new ParseFailure(fromHapi(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw new ParseFailure(Hl7Error.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("MSH", 1),
          "the message could not be parsed"));
    }
    List<SegmentRef> segments = new ArrayList<>();
    flatten(message, segments, new HashMap<>(), delimiters);
    if (segments.isEmpty() || !"MSH".equals(segments.get(0).id())) {
      throw new ParseFailure(Hl7Error.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("MSH", 1),
          "the message must start with an MSH segment"));
    }
    return new ParsedMessage(message, segments, delimiters, normalized);
  }

  /**
   * A standard segment HAPI kept generic (it stood where the structure did not expect it) parsed
   * into its v2.5.1 class, so the mapping sees it typed; the generic one when that fails.
   */
  private Segment retype(GenericSegment generic, Delimiters d) {
    try {
      Class<? extends Segment> type = factory.getSegmentClass(generic.getName(), "2.5.1");
      if (type == null) {
        return generic;
      }
      Segment typed = type.getConstructor(Group.class, ModelClassFactory.class)
          .newInstance(generic.getParent(), factory);
      EncodingCharacters enc = new EncodingCharacters(d.field(), d.component(), d.repetition(), d.escape(),
          d.subcomponent());
      parser.parse(typed, PipeParser.encode(generic, enc), enc);
      return typed;
    } catch (Exception | LinkageError e) {
      return generic;
    }
  }

  private static Hl7Error fromHapi(AbstractHL7Exception e) {
    Location l = e.getLocation();
    ErrorLocation where = l == null || l.isUnknown() || l.getSegmentName() == null
        ? ErrorLocation.segment("MSH", 1)
        : new ErrorLocation(l.getSegmentName(), Math.max(1, l.getSegmentRepetition()),
            Math.max(0, l.getField()), Math.max(0, l.getFieldRepetition()),
            Math.max(0, l.getComponent()), Math.max(0, l.getSubcomponent()));
    ErrorCode code = switch (e.getErrorCode()) {
      case 101 -> ErrorCode.REQUIRED_FIELD_MISSING;
      case 102 -> ErrorCode.DATA_TYPE_ERROR;
      case 103 -> ErrorCode.TABLE_VALUE_NOT_FOUND;
      default -> ErrorCode.SEGMENT_SEQUENCE_ERROR;
    };
    return Hl7Error.error(code, where, "the message could not be parsed at this position");
  }

  private void flatten(Group group, List<SegmentRef> out, Map<String, Integer> counts, Delimiters d) {
    for (String name : group.getNames()) {
      Structure[] reps;
      try {
        reps = group.getAll(name);
      } catch (AbstractHL7Exception e) {
        continue;
      }
      for (Structure s : reps) {
        if (s instanceof Group g) {
          flatten(g, out, counts, d);
        } else if (s instanceof Segment seg) {
          boolean empty;
          try {
            empty = seg.isEmpty();
          } catch (AbstractHL7Exception e) {
            empty = true;
          }
          if (!empty) {
            if (seg instanceof GenericSegment generic) {
              seg = retype(generic, d);
            }
            String id = seg.getName();
            int seq = counts.merge(id, 1, Integer::sum);
            out.add(new SegmentRef(seg, id, seq, out.size()));
          }
        }
      }
    }
  }
}
