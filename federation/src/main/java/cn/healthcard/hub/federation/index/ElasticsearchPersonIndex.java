package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.match.Person;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The person index on Elasticsearch (its low-level REST client): one document per person, id the
 * Patient's id, versioned externally by the Patient's version so a late, older write is refused by
 * Elasticsearch itself; the match keys as keywords; a candidate search is one request: the
 * documents sharing a key with the query, and (a global aggregation) how many share its name's
 * sound. Names and numbers are kept as they are written; matching happens in Java.
 */
public final class ElasticsearchPersonIndex implements PersonIndex {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final RestClient client;
  private final String index;

  public ElasticsearchPersonIndex(RestClient client, String index) {
    this.client = client;
    this.index = index;
  }

  @Override
  public boolean create() {
    try {
      // the client answers a HEAD's 404 as a response, not as an error
      if (client.performRequest(new Request("HEAD", "/" + index)).getStatusLine().getStatusCode() == 200) {
        return false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("settings").put("number_of_shards", 1).put("number_of_replicas", 0).put("refresh_interval", "1s");
    ObjectNode properties = body.putObject("mappings").put("dynamic", "strict").putObject("properties");
    for (String keyword : List.of("keys", "sound", "family", "given", "gender", "identity", "card", "phone", "county")) {
      // a value longer than any real one (a garbled record) is kept in the document but not
      // indexed, instead of failing the document
      properties.putObject(keyword).put("type", "keyword").put("ignore_above", 256);
    }
    properties.putObject("birthDate").put("type", "date");
    properties.putObject("indexedAt").put("type", "date").put("format", "epoch_millis");
    Request request = new Request("PUT", "/" + index);
    request.setJsonEntity(body.toString());
    try {
      client.performRequest(request);
      return true;
    } catch (ResponseException e) {
      // another instance created it first
      if (!e.getMessage().contains("resource_already_exists_exception")) {
        throw refused("PUT", "/" + index, e);
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long removeIndexedBefore(Instant instant) {
    // no _delete_by_query: it lives in the reindex module, which a minimal node (the integ-test
    // distribution the hub starts locally) does not have. Each removal is conditional on the
    // document being the one found, so a person written again meanwhile stays.
    long removed = 0;
    while (true) {
      refresh();
      ObjectNode body = JSON.createObjectNode().put("size", 1_000).put("seq_no_primary_term", true)
          .put("_source", false).put("track_total_hits", false);
      body.putObject("query").putObject("range").putObject("indexedAt").put("lt", instant.toEpochMilli());
      JsonNode hits = send("POST", "/" + index + "/_search", body.toString(), "application/json").path("hits").path("hits");
      if (hits.isEmpty()) {
        return removed;
      }
      StringBuilder bulk = new StringBuilder();
      for (JsonNode hit : hits) {
        ObjectNode action = JSON.createObjectNode();
        action.putObject("delete").put("_index", index).put("_id", hit.path("_id").asText())
            .put("if_seq_no", hit.path("_seq_no").asLong()).put("if_primary_term", hit.path("_primary_term").asLong());
        bulk.append(action).append('\n');
      }
      JsonNode answer = send("POST", "/_bulk", bulk.toString(), "application/x-ndjson");
      long before = removed;
      for (JsonNode item : answer.path("items")) {
        int status = item.path("delete").path("status").asInt();
        if (status == 200) {
          removed++;
        } else if (status != 404 && status != 409) {
          throw new IllegalStateException("the person index refused a removal (" + item.path("delete").path("error").path("type").asText() + ")");
        }
      }
      if (removed == before) {
        // everything found was written again meanwhile: it is no longer older than the instant
        // once refreshed, but do not spin on it
        return removed;
      }
    }
  }

  @Override
  public List<Refusal> put(List<Person> people, List<Long> versions) {
    if (people.isEmpty()) {
      return List.of();
    }
    long now = System.currentTimeMillis();
    StringBuilder bulk = new StringBuilder(people.size() * 400);
    for (int i = 0; i < people.size(); i++) {
      Person p = people.get(i);
      ObjectNode action = JSON.createObjectNode();
      action.putObject("index").put("_index", index).put("_id", p.id()).put("version", versions.get(i))
          .put("version_type", "external_gte");
      bulk.append(action).append('\n').append(document(p).put("indexedAt", now)).append('\n');
    }
    JsonNode answer = send("POST", "/_bulk", bulk.toString(), "application/x-ndjson");
    List<Refusal> refused = new ArrayList<>();
    if (answer.path("errors").asBoolean(false)) {
      for (JsonNode item : answer.path("items")) {
        JsonNode result = item.path("index");
        int status = result.path("status").asInt(200);
        // 409: the index already holds a later version of this person: nothing to do
        if (status == 429 || status >= 500) {
          throw new IllegalStateException("the person index is overloaded or failing (" + status + ")");
        }
        if (status >= 300 && status != 409) {
          refused.add(new Refusal(result.path("_id").asText(), result.path("error").path("type").asText("")));
        }
      }
    }
    return refused;
  }

  @Override
  public void remove(String id, long version) {
    try {
      client.performRequest(new Request("DELETE", "/" + index + "/_doc/" + id + "?version=" + version
          + "&version_type=external_gte"));
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status != 404 && status != 409) {
        throw refused("DELETE", "/" + index + "/_doc", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Candidates candidates(Person query, int max) {
    ObjectNode body = JSON.createObjectNode().put("size", max).put("track_total_hits", false);
    // ranked by the keys shared, the telling ones counting more: a common name shares its key with
    // thousands, and only the best few hundred are scored
    ArrayNode keys = body.putObject("query").putObject("bool").put("minimum_should_match", 1).putArray("should");
    for (String key : IndexKeys.of(query)) {
      keys.addObject().putObject("constant_score").put("boost", IndexKeys.weight(key))
          .putObject("filter").putObject("term").put("keys", key);
    }
    String sound = IndexKeys.sound(query);
    ObjectNode global = body.putObject("aggs").putObject("everyone");
    global.putObject("global");
    global.putObject("aggs").putObject("same_sound").putObject("filter").putObject("term").put("sound", sound);
    if (keys.isEmpty()) {
      return new Candidates(List.of(), 0, count());
    }
    JsonNode answer = send("POST", "/" + index + "/_search", body.toString(), "application/json");
    List<Person> people = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      people.add(person(hit.path("_id").asText(), hit.path("_source")));
    }
    JsonNode everyone = answer.path("aggregations").path("everyone");
    return new Candidates(people, everyone.path("same_sound").path("doc_count").asLong(),
        everyone.path("doc_count").asLong());
  }

  @Override
  public List<String> ids(DemographicQuery query, int max) {
    ObjectNode body = JSON.createObjectNode().put("size", max).put("_source", false).put("track_total_hits", false);
    body.putArray("sort").add("_doc");
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    for (String family : query.families()) {
      filter.addObject().putObject("prefix").putObject("family").put("value", family).put("case_insensitive", true);
    }
    for (String given : query.givens()) {
      filter.addObject().putObject("prefix").putObject("given").put("value", given).put("case_insensitive", true);
    }
    for (DemographicQuery.Range range : query.birthDates()) {
      ObjectNode bounds = filter.addObject().putObject("range").putObject("birthDate");
      if (range.from() != null) {
        bounds.put("gte", range.from().toString());
      }
      if (range.to() != null) {
        bounds.put("lt", range.to().toString());
      }
    }
    term(filter, "gender", query.gender());
    term(filter, "phone", query.phone());
    term(filter, "identity", query.identityNumber());
    term(filter, "card", query.cardNumber());
    JsonNode answer = send("POST", "/" + index + "/_search", body.toString(), "application/json");
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      ids.add(hit.path("_id").asText());
    }
    return ids;
  }

  private static void term(ArrayNode filter, String field, String value) {
    if (value != null) {
      filter.addObject().putObject("term").put(field, value);
    }
  }

  @Override
  public void refresh() {
    send("POST", "/" + index + "/_refresh", null, null);
  }

  @Override
  public long count() {
    return send("GET", "/" + index + "/_count", null, null).path("count").asLong();
  }

  private static ObjectNode document(Person p) {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode keys = doc.putArray("keys");
    IndexKeys.of(p).forEach(keys::add);
    doc.put("sound", IndexKeys.sound(p));
    put(doc, "family", p.family());
    put(doc, "given", p.given());
    put(doc, "gender", p.gender());
    put(doc, "identity", p.identityNumber());
    put(doc, "card", p.cardNumber());
    put(doc, "phone", p.phone());
    put(doc, "county", p.county());
    if (p.birthDate() != null) {
      doc.put("birthDate", p.birthDate().toString());
    }
    return doc;
  }

  private static void put(ObjectNode doc, String field, String value) {
    if (value != null && !value.isBlank()) {
      doc.put(field, value);
    }
  }

  private static Person person(String id, JsonNode source) {
    String birth = source.path("birthDate").asText("");
    return new Person(id, text(source, "family"), text(source, "given"), birth.isEmpty() ? null : LocalDate.parse(birth),
        text(source, "gender"), text(source, "identity"), text(source, "card"), text(source, "phone"),
        text(source, "county"));
  }

  private static String text(JsonNode source, String field) {
    JsonNode value = source.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private JsonNode send(String method, String path, String body, String contentType) {
    Request request = new Request(method, path);
    if (body != null) {
      request.setEntity(new NStringEntity(body, ContentType.create(contentType, StandardCharsets.UTF_8)));
    }
    try {
      Response response = client.performRequest(request);
      return JSON.readTree(response.getEntity().getContent());
    } catch (ResponseException e) {
      throw refused(method, path, e);
    } catch (IOException e) {
      throw new UncheckedIOException("the person index did not answer " + method + " " + path, e);
    }
  }

  /**
   * Elasticsearch's refusal as its status and error type: its reason may quote the document or
   * query (names, numbers), so it is left out.
   */
  private static UncheckedIOException refused(String method, String path, ResponseException e) {
    String type = "";
    // the client has read the body into the exception's message, after its status line
    String message = e.getMessage() == null ? "" : e.getMessage();
    int body = message.indexOf('{');
    if (body >= 0) {
      try {
        JsonNode error = JSON.readTree(message.substring(body)).path("error");
        type = error.isTextual() ? "" : error.path("type").asText("");
        String cause = error.path("caused_by").path("type").asText("");
        type = cause.isEmpty() || cause.equals(type) ? type : type + ", caused by " + cause;
      } catch (IOException | RuntimeException ignored) {
        // the status alone then
      }
    }
    return new UncheckedIOException("the person index answered " + e.getResponse().getStatusLine().getStatusCode()
        + (type.isEmpty() ? "" : " (" + type + ")") + " to " + method + " " + path, new IOException(e.getClass().getSimpleName()));
  }
}
