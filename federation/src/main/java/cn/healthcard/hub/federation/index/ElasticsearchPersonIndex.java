package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.match.Person;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  /** Creates the index with its mapping when it does not exist yet. */
  public void create() {
    try {
      // the client answers a HEAD's 404 as a response, not as an error
      if (client.performRequest(new Request("HEAD", "/" + index)).getStatusLine().getStatusCode() == 200) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("settings").put("number_of_shards", 1).put("number_of_replicas", 0).put("refresh_interval", "1s");
    ObjectNode properties = body.putObject("mappings").put("dynamic", "strict").putObject("properties");
    for (String keyword : List.of("keys", "sound", "family", "given", "gender", "identity", "card", "phone", "county")) {
      properties.putObject(keyword).put("type", "keyword");
    }
    properties.putObject("birthDate").put("type", "date");
    Request request = new Request("PUT", "/" + index);
    request.setJsonEntity(body.toString());
    try {
      client.performRequest(request);
    } catch (ResponseException e) {
      // another instance created it first
      if (!e.getMessage().contains("resource_already_exists_exception")) {
        throw new UncheckedIOException(e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void put(List<Person> people, List<Long> versions) {
    if (people.isEmpty()) {
      return;
    }
    StringBuilder bulk = new StringBuilder(people.size() * 400);
    for (int i = 0; i < people.size(); i++) {
      Person p = people.get(i);
      ObjectNode action = JSON.createObjectNode();
      action.putObject("index").put("_index", index).put("_id", p.id()).put("version", versions.get(i))
          .put("version_type", "external_gte");
      bulk.append(action).append('\n').append(document(p)).append('\n');
    }
    JsonNode answer = send("POST", "/_bulk", bulk.toString(), "application/x-ndjson");
    if (answer.path("errors").asBoolean(false)) {
      for (JsonNode item : answer.path("items")) {
        JsonNode result = item.path("index");
        int status = result.path("status").asInt(200);
        // 409: the index already holds a later version of this person: nothing to do
        if (status >= 300 && status != 409) {
          throw new IllegalStateException("the person index refused a document (" + result.path("error").path("type").asText() + ")");
        }
      }
    }
  }

  @Override
  public void remove(String id, long version) {
    try {
      client.performRequest(new Request("DELETE", "/" + index + "/_doc/" + id + "?version=" + version
          + "&version_type=external_gte"));
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status != 404 && status != 409) {
        throw new UncheckedIOException(e);
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
    } catch (IOException e) {
      throw new UncheckedIOException("the person index did not answer " + method + " " + path, e);
    }
  }
}
